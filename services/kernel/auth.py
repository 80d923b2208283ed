"""Access-token verification, the same in every service.

Identity signs access tokens (JWT, EdDSA, with a `kid`) and publishes the public keys as a
JWKS. Every service verifies tokens itself with those keys; only an unknown `kid` (a key
rotated in since the last fetch) makes it ask identity again.
"""

import asyncio
import contextvars
import json
import logging
import time
from dataclasses import dataclass
from typing import Protocol

import jwt

from services.kernel.errors import Unauthenticated

ISSUER = "baraba-identity"
AUDIENCE = "baraba"
ALGORITHM = "EdDSA"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    """The signed-in user a request is served for."""

    user_id: str
    username: str
    permissions: frozenset[str]
    session_id: str
    token: str

    def has(self, permission: str) -> bool:
        return permission in self.permissions


caller_var: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("caller", default=None)


def current_caller() -> Caller:
    caller = caller_var.get()
    if caller is None:  # only reachable if a public RPC asks for a caller: a programming error
        raise Unauthenticated("this operation needs a signed-in user")
    return caller


class KeySource(Protocol):
    async def public_key(self, kid: str): ...


class TokenVerifier:
    """Verifies access tokens. A verified token is remembered until it expires, so a client
    sending the same token again costs a dictionary lookup, not a signature check."""

    CACHE_SIZE = 4096

    def __init__(self, keys: KeySource):
        self.keys = keys
        self._verified: dict[str, tuple[Caller, float]] = {}

    async def verify(self, token: str) -> Caller:
        remembered = self._verified.get(token)
        if remembered is not None and remembered[1] > time.time():
            return remembered[0]
        caller, expires = await self._verify_signature(token)
        if len(self._verified) >= self.CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (caller, expires)
        return caller

    async def _verify_signature(self, token: str) -> tuple[Caller, float]:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise Unauthenticated("access token is malformed", reason="TOKEN_INVALID") from None
        key = await self.keys.public_key(kid) if isinstance(kid, str) else None
        if key is None:
            raise Unauthenticated("access token is signed with an unknown key", reason="TOKEN_INVALID")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "sid"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("access token has expired: refresh it or sign in again", reason="TOKEN_EXPIRED") from None
        except jwt.PyJWTError:
            raise Unauthenticated("access token is invalid", reason="TOKEN_INVALID") from None
        caller = Caller(
            user_id=claims["sub"],
            username=claims.get("name", ""),
            permissions=frozenset(claims.get("perms", [])),
            session_id=claims["sid"],
            token=token,
        )
        return caller, float(claims["exp"])


class JwksKeySource:
    """Public keys fetched from identity's JWKS over gRPC, refreshed when an unknown kid shows
    up (at most once per `min_refresh` seconds, so forged kids cannot flood identity)."""

    def __init__(self, min_refresh: float = 30.0):
        self._keys: dict[str, object] = {}
        self._fetched_at = 0.0
        self._min_refresh = min_refresh
        self._lock = asyncio.Lock()

    async def public_key(self, kid: str):
        if kid not in self._keys and time.monotonic() - self._fetched_at > self._min_refresh:
            async with self._lock:
                if kid not in self._keys:
                    await self._fetch()
        return self._keys.get(kid)

    async def _fetch(self) -> None:
        from baraba.identity.v1 import identity_pb2, identity_pb2_grpc

        from services.kernel import clients

        self._fetched_at = time.monotonic()
        try:
            stub = clients.stub(identity_pb2_grpc.AuthServiceStub, "identity")
            body = await stub.GetJwks(identity_pb2.GetJwksRequest(), timeout=3)
        except Exception as exc:  # keep the keys we have; the caller gets UNAUTHENTICATED
            log.warning("could not fetch identity's public keys: %s", exc)
            return
        self._keys = {k["kid"]: jwt.PyJWK(k).key for k in json.loads(body.data)["keys"]}
