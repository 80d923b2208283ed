from services.kernel.db import run_alembic_env
from services.scanner.store import Base

run_alembic_env(Base.metadata)
