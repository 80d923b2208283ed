"""Identity's public keys for the services that verify access tokens (kernel/auth.py
TokenVerifier), fetched over gRPC with the kernel's clients. Apart from auth.py, which the
clients use (caller's token, mesh credential), so that neither imports the other in a circle."""

import asyncio
import json
import logging
import time

import jwt
from baraba.identity.v1 import identity_pb2, identity_pb2_grpc

from services.kernel import clients
from services.kernel.errors import Unavailable

log = logging.getLogger(__name__)


class JwksKeySource:
    """Public keys fetched from identity's JWKS over gRPC, refreshed when an unknown kid shows
    up (at most once per `min_refresh` seconds, so forged kids cannot flood identity)."""

    def __init__(self, min_refresh: float = 30.0):
        self._keys: dict[str, object] = {}
        self._fetched_at = 0.0
        self._min_refresh = min_refresh
        self._lock = asyncio.Lock()

    async def public_key(self, kid: str):
        if kid in self._keys:
            return self._keys[kid]
        # Requests arriving while a fetch is under way wait for it (a replica just started
        # gets many at once), then find the key.
        async with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at > self._min_refresh:
                await self._fetch()
        return self._keys.get(kid)

    async def _fetch(self) -> None:
        try:
            stub = clients.stub(identity_pb2_grpc.AuthServiceStub, "identity")
            # wait_for_ready: identity may still be starting (or its channel backing off after a
            # refused connect); waiting within the deadline beats refusing the request at once.
            body = await stub.GetJwks(identity_pb2.GetJwksRequest(), wait_for_ready=True, **clients.call_options(timeout=3))
        except Exception as exc:  # keep the keys we have; ask again on the next unknown kid
            log.warning("could not fetch identity's public keys: %s", exc)
            raise Unavailable(
                "access tokens cannot be verified right now (identity unreachable); retry the request", reason="KEYS_UNAVAILABLE"
            ) from None
        self._fetched_at = time.monotonic()
        self._keys = {k["kid"]: jwt.PyJWK(k).key for k in json.loads(body.data)["keys"]}
