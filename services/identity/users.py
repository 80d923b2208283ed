"""User accounts: created and managed by user managers; the first administrator at start-up."""

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import exists, func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from services.identity import passwords, security
from services.identity.records import (
    ADMIN_GROUP,
    ADMIN_LOCK,
    ensure_user_manager_remains,
    find_group,
    find_user,
    flush_unique,
    read_user,
)
from services.identity.revocations import end_sessions, void_deleted_user, void_tokens
from services.identity.store import Group, User
from services.kernel import paging
from services.kernel.auth import Caller
from services.kernel.db import session_factory
from services.kernel.errors import FailedPrecondition

log = logging.getLogger(__name__)


class Users:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        self.sessions = session_factory(engine)

    async def bootstrap_admin(self, username: str, password: str | None) -> None:
        """Creates the first administrator when there are no users at all."""
        async with self.sessions.begin() as db:
            await db.execute(text(ADMIN_LOCK))
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

    async def get(self, user_id: str) -> Mapping:
        """The user's profile row (records.profile)."""
        return await read_user(self.engine, user_id)

    async def list(self, size: int, token: str) -> tuple[list[User], str, int]:
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

    async def create(self, fields: dict, password: str) -> User:
        async with self.sessions() as db:
            passwords.require_strong("password", password, fields["username"], fields["email"])
            fields["group_id"] = (await find_group(db, fields["group_id"], field="group_id")).id
            user = User(**fields, password_hash=await security.hash_password(password))
            db.add(user)
            await flush_unique(db)
            await db.commit()
            await db.refresh(user, ["group"])
            return user

    async def update(self, caller: Caller, user_id: str, changes: dict) -> User:
        async with self.sessions() as db:
            await db.execute(text(ADMIN_LOCK))
            user = await find_user(db, user_id, lock=True)
            if "group_id" in changes:
                await find_group(db, changes["group_id"], field="group_id")
                changes["group_id"] = uuid.UUID(changes["group_id"])
                if changes["group_id"] != user.group_id:
                    await void_tokens(db, [user.id])
            if changes.get("is_active") is False and str(user.id) == caller.user_id:
                raise FailedPrecondition("you cannot deactivate your own account")
            for name, value in changes.items():
                setattr(user, name, value)
            if changes.get("is_active") is False:
                await end_sessions(db, user.id, "account disabled")
            await flush_unique(db)
            await ensure_user_manager_remains(db)
            await db.commit()
            await db.refresh(user, ["group", "updated_at"])
            return user

    async def update_profile(self, caller: Caller, changes: dict) -> User:
        return await self.update(caller, caller.user_id, changes)

    async def delete(self, caller: Caller, user_id: str) -> None:
        async with self.sessions() as db:
            await db.execute(text(ADMIN_LOCK))
            user = await find_user(db, user_id, lock=True)
            if str(user.id) == caller.user_id:
                raise FailedPrecondition("you cannot delete your own account")
            await db.delete(user)
            await void_deleted_user(db, user.id)
            await db.flush()
            await ensure_user_manager_remains(db)
            await db.commit()

    async def reset_password(self, user_id: str, password: str) -> None:
        async with self.sessions.begin() as db:
            user = await find_user(db, user_id, lock=True)
            passwords.require_strong("new_password", password, user.username, user.email)
            user.password_hash = await security.hash_password(password)
            await end_sessions(db, user.id, "password reset")
