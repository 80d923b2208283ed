"""User groups: named sets of permissions every user belongs to one of."""

import uuid

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.identity.records import ADMIN_LOCK, ensure_user_manager_remains, find_group, flush_unique
from services.identity.revocations import void_tokens
from services.identity.store import PERMISSION_FLAGS, Group, User
from services.kernel.errors import FailedPrecondition


def permission_flags(permissions) -> dict[str, bool]:
    """baraba.identity.v1.Permissions -> the group's columns."""
    return {flag: getattr(permissions, flag) for flag in PERMISSION_FLAGS}


async def _member_count(db: AsyncSession, group_id: uuid.UUID) -> int:
    return await db.scalar(select(func.count()).select_from(User).where(User.group_id == group_id)) or 0


class Groups:
    def __init__(self, sessions: async_sessionmaker):
        self.sessions = sessions

    async def list(self) -> list[tuple[Group, int]]:
        async with self.sessions() as db:
            members = select(User.group_id, func.count().label("n")).group_by(User.group_id).subquery()
            rows = await db.execute(
                select(Group, func.coalesce(members.c.n, 0)).outerjoin(members, members.c.group_id == Group.id).order_by(Group.name)
            )
            return [(group, count) for group, count in rows]

    async def get(self, group_id: str) -> tuple[Group, int]:
        async with self.sessions() as db:
            group = await find_group(db, group_id)
            return group, await _member_count(db, group.id)

    async def create(self, name: str, description: str, flags: dict[str, bool]) -> Group:
        async with self.sessions() as db:
            group = Group(name=name, description=description, **flags)
            db.add(group)
            await flush_unique(db)
            await db.commit()
            return group

    async def update(self, group_id: str, changes: dict) -> tuple[Group, int]:
        async with self.sessions() as db:
            await db.execute(text(ADMIN_LOCK))
            group = await find_group(db, group_id)
            if any(getattr(group, flag) != changes[flag] for flag in PERMISSION_FLAGS if flag in changes):
                await void_tokens(db, await db.scalars(select(User.id).where(User.group_id == group.id)))
            for name, value in changes.items():
                setattr(group, name, value)
            await flush_unique(db)
            await ensure_user_manager_remains(db)
            await db.commit()
            return group, await _member_count(db, group.id)

    async def delete(self, group_id: str) -> None:
        async with self.sessions.begin() as db:
            group = await find_group(db, group_id)
            if members := await _member_count(db, group.id):
                raise FailedPrecondition(f"the group still has {members} member(s); move them to another group first")
            await db.delete(group)
