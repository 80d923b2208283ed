"""The chart of accounts: codes unique per company, a hierarchy by parent (a sub-account's code
starts with its parent's), and accounts in use kept: one with entry lines or sub-accounts
cannot be deleted or moved."""

import uuid

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.kernel import idempotency, paging
from services.kernel.auth import current_caller
from services.kernel.errors import AlreadyExists, FailedPrecondition, NotFound
from services.ledger import chart
from services.ledger.store import IDEMPOTENCY_KEYS, Account, Company, EntryLine
from services.ledger.values import Violations

ACCOUNTS = Account.__table__


def parent_codes(code: str) -> list[str]:
    """Codes that could be the parent of `code`, nearest first: "411.1" -> ["411", "41", "4"]."""
    head, dot, _ = code.rpartition(".")
    if dot:
        return [head, *parent_codes(head)]
    return [code[:n] for n in range(len(code) - 1, 0, -1)]


async def _get(conn: AsyncConnection, company_id: uuid.UUID, account_id: uuid.UUID):
    row = (await conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.company_id == company_id, ACCOUNTS.c.id == account_id))).first()
    if row is None:
        raise NotFound(f"account {account_id} not found")
    return row


async def _in_use(conn: AsyncConnection, account_id: uuid.UUID) -> str | None:
    """Why the account's code and place in the chart are fixed, or None."""
    if await conn.scalar(select(exists().where(EntryLine.account_id == account_id))):
        return "it has entry lines"
    if await conn.scalar(select(exists().where(ACCOUNTS.c.parent_id == account_id))):
        return "it has sub-accounts"
    return None


class Accounts:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine

    async def list(self, company_id: str, requested_size: int, token: str, code_prefix: str, include_inactive: bool):
        cid = uuid.UUID(company_id)
        size = paging.page_size(requested_size)
        after = paging.decode_token(token, str)
        where = [ACCOUNTS.c.company_id == cid]
        if code_prefix:
            where.append(ACCOUNTS.c.code.startswith(code_prefix, autoescape=True))
        if not include_inactive:
            where.append(ACCOUNTS.c.is_active)
        query = select(ACCOUNTS).where(*where).order_by(ACCOUNTS.c.code).limit(size + 1)
        if after:
            query = query.where(ACCOUNTS.c.code > after[0])
        async with self.engine.connect() as conn:
            rows = list(await conn.execute(query))
            total = await conn.scalar(select(func.count()).select_from(ACCOUNTS).where(*where))
        return *paging.next_page(rows, size, lambda r: (r.code,)), total

    async def get(self, company_id: str, account_id: str):
        async with self.engine.connect() as conn:
            return await _get(conn, uuid.UUID(company_id), uuid.UUID(account_id))

    async def _place(self, conn: AsyncConnection, cid: uuid.UUID, values: dict, violations: Violations) -> None:
        """Sets parent_id, level and account_class from the code and the (given or found) parent."""
        code = values["code"]
        parent = None
        if values.get("parent_id"):
            parent = (
                await conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.company_id == cid, ACCOUNTS.c.id == values["parent_id"]))
            ).first()
            if parent is None:
                violations.add("account.parent_id", "is not an account of this company")
            elif not code.startswith(parent.code) or code == parent.code:
                violations.add("account.code", f"must start with its parent's code {parent.code}")
        else:
            candidates = parent_codes(code)
            if candidates:
                found = {
                    row.code: row
                    for row in await conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.company_id == cid, ACCOUNTS.c.code.in_(candidates)))
                }
                parent = next((found[c] for c in candidates if c in found), None)
        values["parent_id"] = parent.id if parent else None
        values["level"] = parent.level + 1 if parent else 1
        values["account_class"] = code[0]

    async def create(self, company_id: str, fields: dict, request_id: str):
        cid = uuid.UUID(company_id)
        violations = Violations()
        for name in ("code", "name", "account_type"):
            if not fields.get(name):
                violations.add(f"account.{name}", "is required")
        violations.raise_if_any()
        key = idempotency.key(f"{current_caller().user_id}/{cid}", "CreateAccount", request_id)
        values = {"is_active": True, "vat_applicable": "NONE", **fields}
        values["parent_id"] = uuid.UUID(values["parent_id"]) if values.get("parent_id") else None
        account_id = uuid.uuid4()
        async with self.engine.begin() as conn:
            if (first := await idempotency.claim(conn, IDEMPOTENCY_KEYS, key, account_id)) is not None:
                return await _get(conn, cid, first)
            await self._place(conn, cid, values, violations)
            violations.raise_if_any()
            try:
                async with conn.begin_nested():
                    await conn.execute(insert(ACCOUNTS).values(id=account_id, company_id=cid, **values))
            except IntegrityError:
                raise AlreadyExists(f"an account with code {values['code']} already exists") from None
            return await _get(conn, cid, account_id)

    async def update(self, company_id: str, account_id: str, fields: dict):
        cid, aid = uuid.UUID(company_id), uuid.UUID(account_id)
        async with self.engine.begin() as conn:
            current = await _get(conn, cid, aid)
            values = dict(fields)
            moves = ("code" in fields and fields["code"] != current.code) or (
                "parent_id" in fields and (fields["parent_id"] or None) != (str(current.parent_id) if current.parent_id else None)
            )
            if moves:
                if reason := await _in_use(conn, aid):
                    raise FailedPrecondition(f"the account's code and parent cannot change: {reason}", reason="ACCOUNT_IN_USE")
                values.setdefault("code", current.code)
                if "parent_id" in fields:
                    values["parent_id"] = uuid.UUID(fields["parent_id"]) if fields["parent_id"] else None
                else:
                    values["parent_id"] = None  # found again from the new code
                if values["parent_id"] == aid:
                    raise FailedPrecondition("an account cannot be its own parent")
                violations = Violations()
                await self._place(conn, cid, values, violations)
                violations.raise_if_any()
            else:
                values.pop("parent_id", None)
            if values:
                try:
                    async with conn.begin_nested():
                        await conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.id == aid).values(**values, updated_at=func.now()))
                except IntegrityError:
                    raise AlreadyExists(f"an account with code {values['code']} already exists") from None
            return await _get(conn, cid, aid)

    async def delete(self, company_id: str, account_id: str) -> None:
        cid, aid = uuid.UUID(company_id), uuid.UUID(account_id)
        companies = Company.__table__
        async with self.engine.begin() as conn:
            await _get(conn, cid, aid)
            if reason := await _in_use(conn, aid):
                raise FailedPrecondition(f"the account cannot be deleted: {reason}", reason="ACCOUNT_IN_USE")
            defaults = [companies.c[name] == aid for name in chart.DEFAULT_ACCOUNTS]
            if await conn.scalar(select(exists().where(companies.c.id == cid, or_(*defaults)))):
                raise FailedPrecondition(
                    "the account cannot be deleted: it is one of the company's default accounts", reason="ACCOUNT_IN_USE"
                )
            try:
                async with conn.begin_nested():
                    await conn.execute(delete(ACCOUNTS).where(ACCOUNTS.c.id == aid))
            except IntegrityError:  # lines or sub-accounts added meanwhile
                raise FailedPrecondition("the account cannot be deleted: it is in use", reason="ACCOUNT_IN_USE") from None
