"""Signing in and out: sessions, their rotating refresh tokens, the access tokens issued for
them, self-registration and the caller's own password."""

import contextvars
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.identity import passwords, security, throttle
from services.identity.records import SIGNED_IN, flush_unique, now
from services.identity.revocations import end_sessions
from services.identity.store import PERMISSION_FLAGS, Group, RefreshToken, Session, User
from services.kernel import db
from services.kernel.auth import Caller, TokenVerifier
from services.kernel.errors import FailedPrecondition, InvalidArgument, Unauthenticated

log = logging.getLogger(__name__)

# The profile of the user a request is served for, read with the check of their token
# (Sessions.current_caller): GetMe answers with it instead of reading the user again.
_signed_in: contextvars.ContextVar[Mapping | None] = contextvars.ContextVar("signed_in", default=None)


@dataclass(frozen=True)
class Policy:
    access_ttl_seconds: int = 900
    refresh_ttl_days: int = 30
    allow_registration: bool = True
    default_group: str = "viewers"


@dataclass(frozen=True)
class SignIn:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int


class Sessions:
    def __init__(self, engine: AsyncEngine, keys: security.Keystore, policy: Policy):
        self.engine = engine
        self.sessions = db.session_factory(engine)
        # Kept in memory until identity_signed_in says the session, its user or group changed
        # (migration 0004's triggers): most requests' check costs no round trip.
        self._signed_in = db.CachedLookup(
            engine, SIGNED_IN, key=lambda row: row["session_id"], channel="identity_signed_in", key_of=uuid.UUID
        )
        self.keys = keys
        self.policy = policy

    async def login(self, username: str, password: str, address: str) -> SignIn:
        key = username.lower()
        async with self.sessions() as db:
            attempt = await throttle.admit(db, key, address)
            user = await db.scalar(select(User).where(func.lower(User.username) == key))
            usable = user is not None and user.is_active
            if not await security.verify_password(user.password_hash if usable else None, password):
                raise Unauthenticated("invalid username or password", reason="INVALID_CREDENTIALS")
            await throttle.succeeded(db, attempt)
            return await self._start_session(db, user)

    async def register(self, username: str, email: str, password: str, first_name: str, last_name: str) -> SignIn:
        if not self.policy.allow_registration:
            raise FailedPrecondition("self-registration is switched off; ask an administrator for an account")
        async with self.sessions() as db:
            group = await db.scalar(select(Group).where(Group.name == self.policy.default_group))
            if group is None:
                raise FailedPrecondition(f"the default group {self.policy.default_group!r} does not exist")
            passwords.require_strong("password", password, username, email)
            user = User(username=username, email=email, first_name=first_name, last_name=last_name, group_id=group.id)
            user.password_hash = await security.hash_password(password)
            db.add(user)
            await flush_unique(db)
            return await self._start_session(db, user)

    async def refresh(self, refresh_token: str) -> SignIn:
        async with self.sessions() as db:
            row = await db.scalar(
                select(RefreshToken).where(RefreshToken.token_hash == security.token_hash(refresh_token)).with_for_update()
            )
            if row is None:
                raise Unauthenticated("refresh token is not valid; sign in again", reason="REFRESH_INVALID")
            session = await db.get(Session, row.session_id, with_for_update=True)
            if session.revoked_at is not None or session.expires_at <= now():
                raise Unauthenticated("this session has ended; sign in again", reason="SESSION_ENDED")
            if row.used_at is not None:
                # A spent token presented again means it was copied: end the session for everyone.
                await end_sessions(db, session.user_id, "refresh token reused", only=session.id)
                await db.commit()
                log.warning("refresh token reuse; session revoked", extra={"session_id": str(session.id)})
                raise Unauthenticated(
                    "this refresh token was already used; the session has been ended, sign in again",
                    reason="REFRESH_REUSED",
                )
            user = await db.get(User, session.user_id)
            if not user.is_active:
                raise Unauthenticated("this account is disabled", reason="ACCOUNT_DISABLED")
            row.used_at = now()
            return await self._issue(db, user, session)

    async def logout(self, caller: Caller) -> None:
        async with self.sessions.begin() as db:
            await end_sessions(db, uuid.UUID(caller.user_id), "logout", only=uuid.UUID(caller.session_id))

    async def _start_session(self, db: AsyncSession, user: User) -> SignIn:
        session = Session(user_id=user.id, expires_at=now() + timedelta(days=self.policy.refresh_ttl_days))
        db.add(session)
        await db.flush()
        return await self._issue(db, user, session)

    async def _issue(self, db: AsyncSession, user: User, session: Session) -> SignIn:
        refresh, refresh_hash = security.new_refresh_token()
        db.add(RefreshToken(token_hash=refresh_hash, session_id=session.id))
        await db.commit()
        await db.refresh(user, ["group"])
        ttl = self.policy.access_ttl_seconds
        token = self.keys.access_token(user.id, user.username, user.group.permissions(), session.id, user.token_version, ttl)
        return SignIn(user=user, access_token=token, refresh_token=refresh, expires_in=ttl)

    async def current_caller(self, caller: Caller) -> Caller:
        """The caller with the permissions they have now; refused when their session or
        account has ended, or what they may do has changed, since the token was issued."""
        row = next(iter(await self._signed_in.get(uuid.UUID(caller.session_id))), None)
        if row is None or row["revoked_at"] is not None or not row["is_active"]:
            raise Unauthenticated("your session has ended; sign in again", reason="SESSION_ENDED")
        if caller.version < row["token_version"]:
            raise Unauthenticated(
                "this access token was revoked (signed out, or the account changed): refresh it or sign in again", reason="TOKEN_REVOKED"
            )
        _signed_in.set(row)
        return Caller(
            user_id=caller.user_id,
            username=row["username"],
            permissions=frozenset(flag for flag in PERMISSION_FLAGS if row[flag]),
            session_id=caller.session_id,
            token=caller.token,
        )

    @staticmethod
    def signed_in_user() -> Mapping:
        """The caller's profile (records.SIGNED_IN), the row their token was checked against
        for this request: no second read, and current up to the last change heard."""
        row = _signed_in.get()
        if row is None:  # only reachable from a public RPC: a programming error
            raise Unauthenticated("this operation needs a signed-in user")
        return row

    async def change_password(self, caller: Caller, current: str, new: str) -> None:
        async with self.sessions.begin() as db:
            user = await db.get(User, uuid.UUID(caller.user_id), with_for_update={"of": User})
            if not await security.verify_password(user.password_hash, current):
                raise InvalidArgument.field("current_password", "is not your current password")
            passwords.require_strong("new_password", new, user.username, user.email)
            user.password_hash = await security.hash_password(new)
            await end_sessions(db, user.id, "password changed", keep=uuid.UUID(caller.session_id))


class IdentityVerifier(TokenVerifier):
    """Identity checks tokens against its own records too: a signed-out session, a disabled
    account or a changed group takes effect on identity's RPCs at once on the replica that made
    the change, and on the others when PostgreSQL's notification arrives (Sessions._signed_in)."""

    follows_revocation_feed = False

    def __init__(self, keys: security.Keystore, sessions: Sessions):
        super().__init__(keys)
        self.sessions = sessions

    async def verify(self, token: str) -> Caller:
        return await self.sessions.current_caller(await super().verify(token))
