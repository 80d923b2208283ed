"""What identity's aggregates share: lookups by id, the unique-name check and the rule that
somebody must remain able to manage users."""

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import Uuid, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.identity.store import PERMISSION_FLAGS, Group, Session, User
from services.kernel.db import Statement, reading
from services.kernel.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from services.kernel.fields import parse_uuid

ADMIN_GROUP = "administrators"
# Serialises changes that could leave nobody able to manage users.
ADMIN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('identity.admins'))"


def now() -> datetime:
    return datetime.now(UTC)


# A user as the contract shows them: their columns, their group's name and permission flags.
_USER_COLUMNS = ("id", "username", "email", "first_name", "last_name", "is_active", "group_id", "created_at", "updated_at")
_PROFILE = (
    *(getattr(User, name) for name in _USER_COLUMNS),
    Group.name.label("group_name"),
    *(getattr(Group, flag) for flag in PERMISSION_FLAGS),
)
_USER = Statement(select(*_PROFILE).join(Group, Group.id == User.group_id).where(User.id == bindparam("id")))
# The signed-in user's profile with what decides whether their token still holds: one statement.
SIGNED_IN = Statement(
    select(*_PROFILE, User.token_version, Session.id.label("session_id"), Session.revoked_at)
    .select_from(Session)
    .join(User, User.id == Session.user_id)
    .join(Group, Group.id == User.group_id)
    .where(Session.id == any_(bindparam("keys", type_=ARRAY(Uuid))))
)


def profile(user: User) -> Mapping:
    """An ORM user as the row _USER reads."""
    row = {name: getattr(user, name) for name in _USER_COLUMNS}
    return {**row, "group_name": user.group.name, **{flag: getattr(user.group, flag) for flag in PERMISSION_FLAGS}}


async def read_user(engine: AsyncEngine, user_id: str) -> Mapping:
    """A user's profile row, one statement on a read connection."""
    async with reading(engine) as conn:
        row = await _USER.fetchrow(conn, id=parse_uuid(user_id))
    if row is None:
        raise NotFound(f"user {user_id} not found")
    return row


async def find_user(db: AsyncSession, user_id: str, lock: bool = False) -> User:
    user = await db.get(User, parse_uuid(user_id), with_for_update={"of": User} if lock else None)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


async def find_group(db: AsyncSession, group_id: str, field: str = "id") -> Group:
    group = await db.get(Group, parse_uuid(group_id, field))
    if group is None:
        if field == "id":
            raise NotFound(f"user group {group_id} not found")
        raise InvalidArgument.field(field, f"no user group has id {group_id}")
    return group


async def flush_unique(db: AsyncSession) -> None:
    """Flushes; a taken username, e-mail or group name is ALREADY_EXISTS naming the field."""
    try:
        await db.flush()
    except IntegrityError as exc:
        await db.rollback()
        for field, index in (("username", "users_username_key"), ("email", "users_email_key"), ("name", "user_groups_name_key")):
            if index in str(exc.orig):
                raise AlreadyExists(f"{field} is already taken", reason="DUPLICATE", metadata={"field": field}) from None
        raise


async def ensure_user_manager_remains(db: AsyncSession) -> None:
    managers = await db.scalar(select(func.count()).select_from(User).join(Group).where(User.is_active, Group.manage_users))
    if managers == 0:
        raise FailedPrecondition("this would leave no active user who can manage users", reason="LAST_ADMIN")
