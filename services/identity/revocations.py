"""Access tokens void before they expire, and the feed services poll to refuse them.

Identity writes a row when a session ends (logout, refresh-token reuse, password change or
reset, account disabled) and when what a user may do changes (group moved, group permissions
changed, account deleted): the user's token version goes up and every token below it is void.
Refresh tokens keep working in the second case, so the next refresh brings the new
permissions. Rows are needed only as long as an access token lives; older ones are purged.
"""

import uuid
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.identity.records import now
from services.identity.store import Revocation, Session, User

# Every token of a deleted user: above any version a user can reach.
DELETED = 2**31 - 1
# Rows outlive the tokens they void by this much (clock skew between services).
MARGIN = timedelta(seconds=60)


async def end_sessions(db: AsyncSession, user_id: uuid.UUID, reason: str, keep: uuid.UUID | None = None, only: uuid.UUID | None = None):
    """Ends the user's open sessions (all, all but `keep`, or `only` one)."""
    query = update(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None))
    if keep is not None:
        query = query.where(Session.id != keep)
    if only is not None:
        query = query.where(Session.id == only)
    ended = (await db.scalars(query.values(revoked_at=now(), revoked_reason=reason).returning(Session.id))).all()
    if ended:
        await db.execute(insert(Revocation), [{"user_id": user_id, "session_id": sid} for sid in ended])


async def void_tokens(db: AsyncSession, user_ids: Iterable[uuid.UUID]) -> None:
    """The users' access tokens issued so far become void: their version goes up."""
    ids = list(user_ids)
    if not ids:
        return
    bumped = await db.execute(
        update(User).where(User.id.in_(ids)).values(token_version=User.token_version + 1).returning(User.id, User.token_version)
    )
    await db.execute(insert(Revocation), [{"user_id": uid, "version": version} for uid, version in bumped])


async def void_deleted_user(db: AsyncSession, user_id: uuid.UUID) -> None:
    await db.execute(insert(Revocation), [{"user_id": user_id, "version": DELETED}])


class Revocations:
    def __init__(self, sessions: async_sessionmaker, token_ttl_seconds: int):
        self.sessions = sessions
        self.keep = timedelta(seconds=token_ttl_seconds) + MARGIN

    async def recent(self) -> tuple[list[str], dict[str, int]]:
        """Ended sessions and users' lowest valid token versions, over one token lifetime."""
        async with self.sessions.begin() as db:
            cutoff = now() - self.keep
            await db.execute(delete(Revocation).where(Revocation.created_at < cutoff))
            rows = (await db.scalars(select(Revocation).where(Revocation.created_at >= cutoff))).all()
        sessions = sorted({str(row.session_id) for row in rows if row.session_id is not None})
        versions: dict[str, int] = {}
        for row in rows:
            if row.version is not None:
                versions[str(row.user_id)] = max(row.version, versions.get(str(row.user_id), 0))
        return sessions, versions
