"""What every Baraba service shares: settings, database, auth, interceptors, server bootstrap
and typed clients. Domain code is never shared; a service that needs another's data asks it."""
