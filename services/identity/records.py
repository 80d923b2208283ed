"""What identity's aggregates share: lookups by id, the unique-name check and the rule that
somebody must remain able to manage users."""

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.identity.store import Group, User
from services.kernel.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from services.kernel.fields import parse_uuid

ADMIN_GROUP = "administrators"
# Serialises changes that could leave nobody able to manage users.
ADMIN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('identity.admins'))"


def now() -> datetime:
    return datetime.now(UTC)


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
