"""Access-token verification, the same in every service, and the mesh's service credential.

Identity signs access tokens (JWT, EdDSA, with a `kid`) and publishes the public keys as a
JWKS. Every service verifies tokens itself with those keys; only an unknown `kid` (a key
rotated in since the last fetch) makes it ask identity again. A token can be void before it
expires (signed out, session ended, account disabled, permissions changed): every service polls
identity's revocation feed every few seconds (kernel/revocations.py) and refuses such tokens, without
a call to identity per request.

A service proves it is part of the mesh with a service credential: a short-lived JWT (HS256,
audience "baraba-mesh") signed with the mesh secret every service is given
(BARABA_MESH_SECRET), sent as `x-baraba-service` on every call to another service. RPCs the
contract marks `internal` need it; a user's token can never stand in for it (another key,
algorithm, audience and header), and the edge never forwards it from outside.
"""

import contextvars
import logging
import time
from dataclasses import dataclass
from typing import Protocol

import jwt

from services.kernel.errors import PermissionDenied, Unauthenticated

ISSUER = "baraba-identity"
AUDIENCE = "baraba"
ALGORITHM = "EdDSA"

SERVICE_HEADER = "x-baraba-service"
SERVICE_AUDIENCE = "baraba-mesh"
SERVICE_ALGORITHM = "HS256"
SERVICE_CREDENTIAL_TTL = 120  # seconds; re-signed when half of it is left
MESH_SECRET_MIN_LENGTH = 32

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    """The signed-in user a request is served for."""

    user_id: str
    username: str
    permissions: frozenset[str]
    session_id: str
    token: str
    version: int = 0  # the user's token version when the token was issued ("ver")

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
    sending the same token again costs a dictionary lookup, not a signature check; whether it
    has been revoked since is checked on every request (two set lookups)."""

    CACHE_SIZE = 4096

    # The server keeps `revocations` current from identity's feed; identity, which checks its
    # own records on every call (IdentityVerifier), says False.
    follows_revocation_feed = True

    def __init__(self, keys: KeySource):
        self.keys = keys
        self.revocations = RevocationList()
        self._verified: dict[str, tuple[Caller, float]] = {}

    async def verify(self, token: str) -> Caller:
        remembered = self._verified.get(token)
        if remembered is not None and remembered[1] > time.time():
            caller = remembered[0]
        else:
            caller, expires = await self._verify_signature(token)
            if len(self._verified) >= self.CACHE_SIZE:
                self._verified.clear()
            self._verified[token] = (caller, expires)
        self.revocations.check(caller)
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
            version=int(claims.get("ver", 0)),
        )
        return caller, float(claims["exp"])


class RevocationList:
    """Access tokens void before they expire: ended sessions, and per user the lowest token
    version still valid. Kept up to date from identity by kernel/revocations.py."""

    def __init__(self) -> None:
        self.sessions: frozenset[str] = frozenset()
        self.versions: dict[str, int] = {}

    def check(self, caller: Caller) -> None:
        if caller.session_id in self.sessions or caller.version < self.versions.get(caller.user_id, 0):
            raise Unauthenticated(
                "this access token was revoked (signed out, or the account changed): refresh it or sign in again",
                reason="TOKEN_REVOKED",
            )


class MeshCredentials:
    """Signs this service's credential for calls to other services and verifies the
    credentials of callers. Both are cached: signing once a minute, verifying once per
    credential."""

    def __init__(self, service: str, secret: str):
        self.service = service
        self._secret = secret.encode()
        self._signed: tuple[str, float] = ("", 0.0)
        self._verified: dict[str, tuple[str, float]] = {}

    def credential(self) -> str:
        token, renew_at = self._signed
        now = time.time()
        if now >= renew_at:
            claims = {"iss": self.service, "aud": SERVICE_AUDIENCE, "iat": int(now), "exp": int(now) + SERVICE_CREDENTIAL_TTL}
            token = jwt.encode(claims, self._secret, algorithm=SERVICE_ALGORITHM)
            self._signed = (token, now + SERVICE_CREDENTIAL_TTL / 2)
        return token

    def verify(self, credential: str) -> str:
        """The calling service's name; PERMISSION_DENIED unless the credential is the mesh's."""
        remembered = self._verified.get(credential)
        if remembered is not None and remembered[1] > time.time():
            return remembered[0]
        refused = PermissionDenied("this RPC is internal to the mesh: only its services may call it", reason="INTERNAL_RPC")
        if not credential:
            raise refused
        try:
            claims = jwt.decode(
                credential,
                self._secret,
                algorithms=[SERVICE_ALGORITHM],
                audience=SERVICE_AUDIENCE,
                options={"require": ["exp", "iat", "iss"]},
            )
        except jwt.PyJWTError:
            raise refused from None
        if len(self._verified) >= 1024:
            self._verified.clear()
        self._verified[credential] = (claims["iss"], float(claims["exp"]))
        return claims["iss"]


_mesh: MeshCredentials | None = None


def configure_mesh(service: str, secret: str) -> MeshCredentials:
    """Called once at start-up with the mesh secret (settings.require_secret)."""
    global _mesh
    _mesh = MeshCredentials(service, secret)
    return _mesh


def mesh_credentials() -> MeshCredentials | None:
    return _mesh
