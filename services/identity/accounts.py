"""Identity's rules: signing in and out, sessions, users, groups and company grants."""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, exists, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.identity import security
from services.identity.store import PERMISSION_FLAGS, CompanyAccess, Group, LoginThrottle, RefreshToken, Session, User
from services.kernel import paging
from services.kernel.auth import Caller, TokenVerifier
from services.kernel.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
)
from services.kernel.fields import parse_uuid

log = logging.getLogger(__name__)

ADMIN_GROUP = "administrators"
# Serialises changes that could leave nobody able to manage users.
_ADMIN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('identity.admins'))"


@dataclass(frozen=True)
class Policy:
    access_ttl_seconds: int = 900
    refresh_ttl_days: int = 30
    lock_after_failures: int = 5
    lock_minutes: int = 15
    allow_registration: bool = True
    default_group: str = "viewers"


@dataclass(frozen=True)
class SignIn:
    user: User
    access_token: str
    refresh_token: str
    expires_in: int


def _now() -> datetime:
    return datetime.now(UTC)


class Accounts:
    def __init__(self, sessions: async_sessionmaker, keys: security.Keystore, policy: Policy):
        self.sessions = sessions
        self.keys = keys
        self.policy = policy

    # --- start-up --------------------------------------------------------------------

    async def bootstrap_admin(self, username: str, password: str | None) -> None:
        """Creates the first administrator when there are no users at all."""
        async with self.sessions.begin() as db:
            await db.execute(text(_ADMIN_LOCK))
            if await db.scalar(select(exists().select_from(User))):
                return
            if not password:
                raise ValueError("no users exist yet: set BARABA_ADMIN_PASSWORD to create the first administrator")
            group = await db.scalar(select(Group).where(Group.name == ADMIN_GROUP))
            db.add(
                User(
                    username=username,
                    email=f"{username}@baraba.local",
                    password_hash=await security.hash_password(password),
                    group_id=group.id,
                )
            )
        log.info("created the first administrator", extra={"username": username})

    # --- signing in ------------------------------------------------------------------

    async def login(self, username: str, password: str) -> SignIn:
        key = username.lower()
        async with self.sessions() as db:
            throttle = await db.get(LoginThrottle, key)
            if throttle and throttle.locked_until and throttle.locked_until > _now():
                minutes = max(1, round((throttle.locked_until - _now()).total_seconds() / 60))
                raise ResourceExhausted(
                    f"too many failed sign-ins for this username; try again in {minutes} minute(s)",
                    reason="LOGIN_LOCKED",
                )
            user = await db.scalar(select(User).where(func.lower(User.username) == key))
            usable = user is not None and user.is_active
            if not await security.verify_password(user.password_hash if usable else None, password):
                await self._record_failure(db, key)
                raise Unauthenticated("invalid username or password", reason="INVALID_CREDENTIALS")
            await db.execute(delete(LoginThrottle).where(LoginThrottle.username_key == key))
            return await self._start_session(db, user)

    async def _record_failure(self, db: AsyncSession, key: str) -> None:
        failures = await db.scalar(
            insert(LoginThrottle)
            .values(username_key=key, failures=1)
            .on_conflict_do_update(
                index_elements=[LoginThrottle.username_key], set_={"failures": LoginThrottle.failures + 1, "updated_at": func.now()}
            )
            .returning(LoginThrottle.failures)
        )
        if failures >= self.policy.lock_after_failures:
            await db.execute(
                update(LoginThrottle)
                .where(LoginThrottle.username_key == key)
                .values(failures=0, locked_until=_now() + timedelta(minutes=self.policy.lock_minutes))
            )
        await db.commit()

    async def register(self, username: str, email: str, password: str, first_name: str, last_name: str) -> SignIn:
        if not self.policy.allow_registration:
            raise FailedPrecondition("self-registration is switched off; ask an administrator for an account")
        async with self.sessions() as db:
            group = await db.scalar(select(Group).where(Group.name == self.policy.default_group))
            if group is None:
                raise FailedPrecondition(f"the default group {self.policy.default_group!r} does not exist")
            user = User(username=username, email=email, first_name=first_name, last_name=last_name, group_id=group.id)
            user.password_hash = await security.hash_password(password)
            await self._insert_user(db, user)
            return await self._start_session(db, user)

    async def refresh(self, refresh_token: str) -> SignIn:
        async with self.sessions() as db:
            row = await db.scalar(
                select(RefreshToken).where(RefreshToken.token_hash == security.token_hash(refresh_token)).with_for_update()
            )
            if row is None:
                raise Unauthenticated("refresh token is not valid; sign in again", reason="REFRESH_INVALID")
            session = await db.get(Session, row.session_id, with_for_update=True)
            if session.revoked_at is not None or session.expires_at <= _now():
                raise Unauthenticated("this session has ended; sign in again", reason="SESSION_ENDED")
            if row.used_at is not None:
                # A spent token presented again means it was copied: end the session for everyone.
                session.revoked_at, session.revoked_reason = _now(), "refresh token reused"
                await db.commit()
                log.warning("refresh token reuse; session revoked", extra={"session_id": str(session.id)})
                raise Unauthenticated(
                    "this refresh token was already used; the session has been ended, sign in again",
                    reason="REFRESH_REUSED",
                )
            user = await db.get(User, session.user_id)
            if not user.is_active:
                raise Unauthenticated("this account is disabled", reason="ACCOUNT_DISABLED")
            row.used_at = _now()
            return await self._issue(db, user, session)

    async def logout(self, caller: Caller) -> None:
        async with self.sessions.begin() as db:
            await db.execute(
                update(Session)
                .where(Session.id == uuid.UUID(caller.session_id), Session.revoked_at.is_(None))
                .values(revoked_at=_now(), revoked_reason="logout")
            )

    async def _start_session(self, db: AsyncSession, user: User) -> SignIn:
        session = Session(user_id=user.id, expires_at=_now() + timedelta(days=self.policy.refresh_ttl_days))
        db.add(session)
        await db.flush()
        return await self._issue(db, user, session)

    async def _issue(self, db: AsyncSession, user: User, session: Session) -> SignIn:
        refresh, refresh_hash = security.new_refresh_token()
        db.add(RefreshToken(token_hash=refresh_hash, session_id=session.id))
        await db.commit()
        await db.refresh(user, ["group"])
        ttl = self.policy.access_ttl_seconds
        token = self.keys.access_token(user.id, user.username, user.group.permissions(), session.id, ttl)
        return SignIn(user=user, access_token=token, refresh_token=refresh, expires_in=ttl)

    async def current_caller(self, caller: Caller) -> Caller:
        """The caller with the permissions they have now; refused when their session or
        account has ended since the token was issued."""
        async with self.sessions() as db:
            row = (
                await db.execute(
                    select(Session, User).join(User, User.id == Session.user_id).where(Session.id == uuid.UUID(caller.session_id))
                )
            ).first()
        if row is None or row.Session.revoked_at is not None or not row.User.is_active:
            raise Unauthenticated("your session has ended; sign in again", reason="SESSION_ENDED")
        return Caller(
            user_id=caller.user_id,
            username=row.User.username,
            permissions=frozenset(row.User.group.permissions()),
            session_id=caller.session_id,
            token=caller.token,
        )

    # --- the caller's own account ----------------------------------------------------------

    async def update_profile(self, caller: Caller, changes: dict) -> User:
        return await self.update_user(caller, caller.user_id, changes)

    async def change_password(self, caller: Caller, current: str, new: str) -> None:
        async with self.sessions.begin() as db:
            user = await db.get(User, uuid.UUID(caller.user_id), with_for_update={"of": User})
            if not await security.verify_password(user.password_hash, current):
                raise InvalidArgument.field("current_password", "is not your current password")
            user.password_hash = await security.hash_password(new)
            await self._revoke_sessions(db, user.id, "password changed", keep=uuid.UUID(caller.session_id))

    async def _revoke_sessions(self, db: AsyncSession, user_id: uuid.UUID, reason: str, keep: uuid.UUID | None = None):
        query = update(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None))
        if keep is not None:
            query = query.where(Session.id != keep)
        await db.execute(query.values(revoked_at=_now(), revoked_reason=reason))

    # --- users ---------------------------------------------------------------------------

    async def get_user(self, user_id: str) -> User:
        async with self.sessions() as db:
            return await self._user(db, user_id)

    async def _user(self, db: AsyncSession, user_id: str, lock: bool = False) -> User:
        user = await db.get(User, parse_uuid(user_id), with_for_update={"of": User} if lock else None)
        if user is None:
            raise NotFound(f"user {user_id} not found")
        return user

    async def list_users(self, size: int, token: str) -> tuple[list[User], str, int]:
        size = paging.page_size(size)
        after = paging.decode_token(token, datetime.fromisoformat, uuid.UUID)
        async with self.sessions() as db:
            query = select(User).order_by(User.created_at, User.id).limit(size + 1)
            if after:
                query = query.where(tuple_(User.created_at, User.id) > after)
            users = list((await db.scalars(query)).unique())
            total = await db.scalar(select(func.count()).select_from(User))
        users, next_token = paging.next_page(users, size, lambda u: (u.created_at.isoformat(), u.id))
        return users, next_token, total

    async def create_user(self, fields: dict, password: str) -> User:
        async with self.sessions() as db:
            fields["group_id"] = (await self._group(db, fields["group_id"], field="group_id")).id
            user = User(**fields, password_hash=await security.hash_password(password))
            await self._insert_user(db, user)
            await db.commit()
            await db.refresh(user, ["group"])
            return user

    async def update_user(self, caller: Caller, user_id: str, changes: dict) -> User:
        async with self.sessions() as db:
            await db.execute(text(_ADMIN_LOCK))
            user = await self._user(db, user_id, lock=True)
            if "group_id" in changes:
                await self._group(db, changes["group_id"], field="group_id")
                changes["group_id"] = uuid.UUID(changes["group_id"])
            if changes.get("is_active") is False and str(user.id) == caller.user_id:
                raise FailedPrecondition("you cannot deactivate your own account")
            for name, value in changes.items():
                setattr(user, name, value)
            if changes.get("is_active") is False:
                await self._revoke_sessions(db, user.id, "account disabled")
            await self._flush_unique(db)
            await self._ensure_user_manager_remains(db)
            await db.commit()
            await db.refresh(user, ["group", "updated_at"])
            return user

    async def delete_user(self, caller: Caller, user_id: str) -> None:
        async with self.sessions() as db:
            await db.execute(text(_ADMIN_LOCK))
            user = await self._user(db, user_id, lock=True)
            if str(user.id) == caller.user_id:
                raise FailedPrecondition("you cannot delete your own account")
            await db.delete(user)
            await db.flush()
            await self._ensure_user_manager_remains(db)
            await db.commit()

    async def reset_password(self, user_id: str, password: str) -> None:
        async with self.sessions.begin() as db:
            user = await self._user(db, user_id, lock=True)
            user.password_hash = await security.hash_password(password)
            await self._revoke_sessions(db, user.id, "password reset")

    async def _insert_user(self, db: AsyncSession, user: User) -> None:
        db.add(user)
        await self._flush_unique(db)

    async def _flush_unique(self, db: AsyncSession) -> None:
        try:
            await db.flush()
        except IntegrityError as exc:
            await db.rollback()
            for field, index in (("username", "users_username_key"), ("email", "users_email_key"), ("name", "user_groups_name_key")):
                if index in str(exc.orig):
                    raise AlreadyExists(f"{field} is already taken", reason="DUPLICATE", metadata={"field": field}) from None
            raise

    async def _ensure_user_manager_remains(self, db: AsyncSession) -> None:
        managers = await db.scalar(select(func.count()).select_from(User).join(Group).where(User.is_active, Group.manage_users))
        if managers == 0:
            raise FailedPrecondition("this would leave no active user who can manage users", reason="LAST_ADMIN")

    # --- groups --------------------------------------------------------------------------

    async def _group(self, db: AsyncSession, group_id: str, field: str = "id") -> Group:
        group = await db.get(Group, parse_uuid(group_id, field))
        if group is None:
            if field == "id":
                raise NotFound(f"user group {group_id} not found")
            raise InvalidArgument.field(field, f"no user group has id {group_id}")
        return group

    async def list_groups(self) -> list[tuple[Group, int]]:
        async with self.sessions() as db:
            members = select(User.group_id, func.count().label("n")).group_by(User.group_id).subquery()
            rows = await db.execute(
                select(Group, func.coalesce(members.c.n, 0)).outerjoin(members, members.c.group_id == Group.id).order_by(Group.name)
            )
            return [(group, count) for group, count in rows]

    async def get_group(self, group_id: str) -> tuple[Group, int]:
        async with self.sessions() as db:
            group = await self._group(db, group_id)
            return group, await self._member_count(db, group.id)

    async def _member_count(self, db: AsyncSession, group_id: uuid.UUID) -> int:
        return await db.scalar(select(func.count()).select_from(User).where(User.group_id == group_id))

    async def create_group(self, name: str, description: str, flags: dict[str, bool]) -> Group:
        async with self.sessions() as db:
            group = Group(name=name, description=description, **flags)
            db.add(group)
            await self._flush_unique(db)
            await db.commit()
            return group

    async def update_group(self, group_id: str, changes: dict) -> tuple[Group, int]:
        async with self.sessions() as db:
            await db.execute(text(_ADMIN_LOCK))
            group = await self._group(db, group_id)
            for name, value in changes.items():
                setattr(group, name, value)
            await self._flush_unique(db)
            await self._ensure_user_manager_remains(db)
            await db.commit()
            return group, await self._member_count(db, group.id)

    async def delete_group(self, group_id: str) -> None:
        async with self.sessions.begin() as db:
            group = await self._group(db, group_id)
            if members := await self._member_count(db, group.id):
                raise FailedPrecondition(f"the group still has {members} member(s); move them to another group first")
            await db.delete(group)

    # --- company grants ------------------------------------------------------------------

    async def list_grants(self, user_id: str = "", company_id: str = "") -> list[CompanyAccess]:
        query = select(CompanyAccess).order_by(CompanyAccess.created_at)
        if user_id:
            query = query.where(CompanyAccess.user_id == parse_uuid(user_id, "user_id"))
        if company_id:
            query = query.where(CompanyAccess.company_id == parse_uuid(company_id, "company_id"))
        async with self.sessions() as db:
            return list((await db.scalars(query)).unique())

    async def grant(self, user_id: str, company_id: str, is_default: bool) -> CompanyAccess:
        async with self.sessions() as db:
            user = await db.get(User, parse_uuid(user_id, "user_id"))
            if user is None:
                raise InvalidArgument.field("user_id", f"no user has id {user_id}")
            return await self._add_grant(db, user.id, parse_uuid(company_id, "company_id"), is_default)

    async def _add_grant(self, db: AsyncSession, user_id: uuid.UUID, company_id: uuid.UUID, is_default: bool) -> CompanyAccess:
        if is_default:
            await db.execute(update(CompanyAccess).where(CompanyAccess.user_id == user_id).values(is_default=False))
        grant = CompanyAccess(user_id=user_id, company_id=company_id, is_default=is_default)
        db.add(grant)
        try:
            await db.commit()
        except IntegrityError:
            raise AlreadyExists("this user already has access to this company") from None
        await db.refresh(grant, ["user"])
        return grant

    async def revoke(self, grant_id: str) -> None:
        async with self.sessions.begin() as db:
            result = await db.execute(delete(CompanyAccess).where(CompanyAccess.id == parse_uuid(grant_id)))
            if result.rowcount == 0:
                raise NotFound(f"company access {grant_id} not found")

    async def set_default(self, caller: Caller, grant_id: str) -> CompanyAccess:
        async with self.sessions() as db:
            grant = await db.get(CompanyAccess, parse_uuid(grant_id))
            if grant is None or str(grant.user_id) != caller.user_id:
                raise NotFound(f"company access {grant_id} not found among your companies")
            await db.execute(update(CompanyAccess).where(CompanyAccess.user_id == grant.user_id).values(is_default=False))
            await db.flush()
            grant.is_default = True
            await db.commit()
            return grant

    async def has_access(self, caller: Caller, company_id: str) -> bool:
        async with self.sessions() as db:
            return bool(
                await db.scalar(
                    select(
                        exists().where(
                            CompanyAccess.user_id == uuid.UUID(caller.user_id),
                            CompanyAccess.company_id == parse_uuid(company_id, "company_id"),
                        )
                    )
                )
            )

    async def claim(self, caller: Caller, company_id: str) -> CompanyAccess:
        company = parse_uuid(company_id, "company_id")
        async with self.sessions() as db:
            await db.execute(text("SELECT pg_advisory_xact_lock(hashtext(:c))"), {"c": str(company)})
            if await db.scalar(select(exists().where(CompanyAccess.company_id == company))):
                raise AlreadyExists("this company already has users; ask one of them for access")
            user_id = uuid.UUID(caller.user_id)
            has_default = await db.scalar(select(exists().where(CompanyAccess.user_id == user_id, CompanyAccess.is_default)))
            return await self._add_grant(db, user_id, company, is_default=not has_default)

    async def release(self, caller: Caller, company_id: str) -> None:
        company = parse_uuid(company_id, "company_id")
        async with self.sessions.begin() as db:
            if not await db.scalar(
                select(exists().where(CompanyAccess.user_id == uuid.UUID(caller.user_id), CompanyAccess.company_id == company))
            ):
                raise PermissionDenied(f"you have no access to company {company_id}", reason="NO_COMPANY_ACCESS")
            await db.execute(delete(CompanyAccess).where(CompanyAccess.company_id == company))


class IdentityVerifier(TokenVerifier):
    """Identity checks tokens against its own records too: a signed-out session, a disabled
    account or a changed group takes effect on identity's RPCs at once."""

    def __init__(self, keys: security.Keystore, accounts: Accounts):
        super().__init__(keys)
        self.accounts = accounts

    async def verify(self, token: str) -> Caller:
        return await self.accounts.current_caller(await super().verify(token))


def permission_flags(permissions) -> dict[str, bool]:
    return {flag: getattr(permissions, flag) for flag in PERMISSION_FLAGS}
