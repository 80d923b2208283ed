"""Passwords (argon2id), signing keys (Ed25519, persisted) and the tokens identity issues."""

import asyncio
import base64
import hashlib
import secrets
import time
import uuid

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text

from services.identity.store import SigningKey
from services.kernel.auth import ALGORITHM, AUDIENCE, ISSUER

_hasher = PasswordHasher()  # argon2id with the library's recommended cost
# Verified against when the username does not exist, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Runs off the event loop: argon2 is deliberately slow."""

    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def new_refresh_token() -> tuple[str, str]:
    """A refresh token and the hash that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


KEYSTORE_LOCK_ID = 0x6B657973  # "keys"


class Keystore:
    """Identity's signing keys. The newest key signs; every unretired key verifies, so a
    rotation does not invalidate tokens already issued. Private keys are stored encrypted
    with the passphrase when one is configured (always, in production)."""

    def __init__(self, passphrase: str | None):
        self._passphrase = passphrase.encode() if passphrase else None
        self._signing: tuple[str, Ed25519PrivateKey] | None = None
        self._public: dict[str, object] = {}
        self._jwks: list[dict] = []

    async def load(self, sessions) -> None:
        async with sessions() as db:
            # Replicas starting together: the first creates the key, the others wait and read it.
            await db.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": KEYSTORE_LOCK_ID})
            rows = (await db.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None)).order_by(SigningKey.created_at))).all()
            if not rows:
                rows = [self._new_key()]
                db.add(rows[0])
                await db.commit()
        for row in rows:
            private = serialization.load_pem_private_key(row.private_pem, password=self._passphrase)
            assert isinstance(private, Ed25519PrivateKey)  # the only kind _new_key makes
            self._public[row.kid] = private.public_key()
            self._jwks.append(row.public_jwk)
            self._signing = (row.kid, private)

    def _new_key(self) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        raw_public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        kid = _b64url(hashlib.sha256(raw_public).digest()[:12])
        encryption = serialization.BestAvailableEncryption(self._passphrase) if self._passphrase else serialization.NoEncryption()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw_public), "kid": kid, "use": "sig", "alg": ALGORITHM}
        return SigningKey(kid=kid, private_pem=pem, public_jwk=jwk)

    async def public_key(self, kid: str):
        return self._public.get(kid)

    def jwks(self) -> dict:
        return {"keys": self._jwks}

    def access_token(self, user_id: uuid.UUID, username: str, permissions: list[str], session_id: uuid.UUID, version: int, ttl: int) -> str:
        assert self._signing is not None, "load() runs at start"
        kid, private = self._signing
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(user_id),
            "name": username,
            "perms": permissions,
            "sid": str(session_id),
            "ver": version,
            "iat": now,
            "exp": now + ttl,
        }
        return jwt.encode(claims, private, algorithm=ALGORITHM, headers={"kid": kid})
