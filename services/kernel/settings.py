"""Settings come from environment variables only, read once at start-up.

BARABA_ENV                   development (default) or production
BARABA_DATABASE_URL          postgresql://user@host:port (no database name): every service
                             uses its own database on it, baraba_<service>
BARABA_<SERVICE>_DATABASE_URL  a full URL for one service, overriding the above
BARABA_<SERVICE>_ADDR        host:port where the service is reached (and listens), or its
                             replicas' addresses separated by commas
BARABA_LISTEN_ADDR           where this process listens, when that differs from how others
                             reach it (containers: 0.0.0.0:5002 vs identity:5002)
BARABA_<SERVICE>_METRICS_PORT  Prometheus /metrics port, on the listen address's host (default 4000 above the gRPC port,
                             e.g. identity 9002; 0 switches it off)
BARABA_LOG_LEVEL             INFO by default
"""

import os
from dataclasses import dataclass
from typing import overload

from sqlalchemy.engine import make_url

from services.kernel.registry import DEFAULT_PORTS


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the service refuses to start."""


@overload
def env(name: str) -> str | None: ...
@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    """An environment variable; unset and empty both mean `default`."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def service_addr(service: str) -> str:
    return env(f"BARABA_{service.upper()}_ADDR", f"127.0.0.1:{DEFAULT_PORTS[service]}")


def database_url(service: str) -> str:
    """The SQLAlchemy URL of one service's own database (asyncpg driver)."""
    url = env(f"BARABA_{service.upper()}_DATABASE_URL")
    if url is not None:
        return make_url(url).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    server = env("BARABA_DATABASE_URL")
    if server is None:
        raise ConfigError(f"set BARABA_DATABASE_URL (a PostgreSQL server) or BARABA_{service.upper()}_DATABASE_URL")
    return database_on(server, f"baraba_{service}")


def database_on(server: str, database: str) -> str:
    """The URL of `database` on the server of `server` (a TCP or unix-socket URL)."""
    url = make_url(server).set(drivername="postgresql+asyncpg", database=database)
    return url.render_as_string(hide_password=False)


@dataclass(frozen=True)
class Settings:
    service: str
    production: bool
    listen_addr: str
    database_url: str
    metrics_port: int
    log_level: str

    @classmethod
    def load(cls, service: str) -> "Settings":
        mode = env("BARABA_ENV", "development")
        if mode not in ("development", "production"):
            raise ConfigError(f"BARABA_ENV must be development or production, not {mode!r}")
        return cls(
            service=service,
            production=mode == "production",
            listen_addr=env("BARABA_LISTEN_ADDR", service_addr(service).split(",")[0]),
            database_url=database_url(service),
            metrics_port=int(env(f"BARABA_{service.upper()}_METRICS_PORT", str(DEFAULT_PORTS[service] + 4000))),
            log_level=env("BARABA_LOG_LEVEL", "INFO").upper(),
        )

    @overload
    def require_secret(self, name: str) -> str | None: ...
    @overload
    def require_secret(self, name: str, dev_default: str) -> str: ...
    def require_secret(self, name: str, dev_default: str | None = None) -> str | None:
        """A secret from the environment. Production refuses to start without it; development
        falls back to `dev_default`, which must never be used in production."""
        value = env(name)
        if value is None and self.production:
            raise ConfigError(f"{name} must be set when BARABA_ENV=production")
        return value if value is not None else dev_default
