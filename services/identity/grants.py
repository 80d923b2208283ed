"""Company grants: which users may work on which company. Granted by user managers; claimed
and released by the ledger (internal RPCs) when a company is created or deleted."""

import uuid

from sqlalchemy import delete, exists, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.identity.store import CompanyAccess, User
from services.kernel.auth import Caller
from services.kernel.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from services.kernel.fields import parse_uuid


class CompanyGrants:
    def __init__(self, sessions: async_sessionmaker):
        self.sessions = sessions

    async def list(self, user_id: str = "", company_id: str = "") -> list[CompanyAccess]:
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
            return await self._add(db, user.id, parse_uuid(company_id, "company_id"), is_default)

    async def _add(self, db: AsyncSession, user_id: uuid.UUID, company_id: uuid.UUID, is_default: bool) -> CompanyAccess:
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
            return await self._add(db, user_id, company, is_default=not has_default)

    async def release(self, caller: Caller, company_id: str) -> None:
        company = parse_uuid(company_id, "company_id")
        async with self.sessions.begin() as db:
            if not await db.scalar(
                select(exists().where(CompanyAccess.user_id == uuid.UUID(caller.user_id), CompanyAccess.company_id == company))
            ):
                raise PermissionDenied(f"you have no access to company {company_id}", reason="NO_COMPANY_ACCESS")
            await db.execute(delete(CompanyAccess).where(CompanyAccess.company_id == company))
