"""VIES: EU VAT number checks through the European Commission's VIES SOAP service, with a
cache of the answers in this service's own database.

Settings (besides the kernel's):
BARABA_VIES_URL                the checkVat SOAP endpoint (default: the Commission's production
                               endpoint; `python -m services.vies.standin` serves a stand-in)
BARABA_VIES_TIMEOUT            the most one check may take, retries included, in seconds (10);
                               a caller's shorter deadline shortens it
BARABA_VIES_CACHE_TTL          how long a valid answer is reused, in seconds (86400)
BARABA_VIES_CACHE_TTL_INVALID  how long an invalid answer is reused, in seconds (3600)
BARABA_VIES_STALE_MAX_AGE      the oldest cached answer returned, marked stale, while VIES is
                               unavailable, in seconds (2592000 = 30 days)
"""

import logging
from datetime import timedelta

from baraba.vies.v1 import vies_pb2

from services.kernel import db
from services.kernel.auth import TokenVerifier
from services.kernel.jwks import JwksKeySource
from services.kernel.server import MeshServer, run_service
from services.kernel.settings import ConfigError, Settings, env
from services.vies.checker import Checker, Policy
from services.vies.remote import PRODUCTION_URL, ViesClient
from services.vies.service import ViesServicer
from services.vies.store import CheckStore


def _seconds(name: str, default: float) -> float:
    try:
        value = float(env(name, str(default)))
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive")
    return value


def load_policy() -> Policy:
    return Policy(
        valid_ttl=timedelta(seconds=_seconds("BARABA_VIES_CACHE_TTL", 86400)),
        invalid_ttl=timedelta(seconds=_seconds("BARABA_VIES_CACHE_TTL_INVALID", 3600)),
        stale_max_age=timedelta(seconds=_seconds("BARABA_VIES_STALE_MAX_AGE", 30 * 86400)),
        timeout=_seconds("BARABA_VIES_TIMEOUT", 10),
    )


async def build(settings: Settings) -> MeshServer:
    policy = load_policy()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per VIES request otherwise
    url = env("BARABA_VIES_URL", PRODUCTION_URL)
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"BARABA_VIES_URL must be an http(s) URL, not {url!r}")
    await db.migrate("vies", settings.database_url)
    engine = db.create_engine(settings.database_url)
    client = ViesClient(url)
    checker = Checker(client, CheckStore(db.session_factory(engine)), policy)

    server = MeshServer(settings, TokenVerifier(JwksKeySource()))
    server.add(vies_pb2.DESCRIPTOR.services_by_name["ViesService"], ViesServicer(checker))
    server.on_stop(client.close)
    server.on_stop(engine.dispose)
    return server


if __name__ == "__main__":
    run_service("vies", build)
