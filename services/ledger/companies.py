"""Companies: created by a user who may manage companies, who is granted access to it through
identity in the same step; listed from the caller's grants; deleted only while they have no
journal entries."""

import uuid

from sqlalchemy import delete, exists, func, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.kernel import idempotency, paging
from services.kernel.auth import current_caller
from services.kernel.errors import FailedPrecondition, NotFound
from services.ledger import chart
from services.ledger.peers import Peers
from services.ledger.store import IDEMPOTENCY_KEYS, Account, Company, EntryCounter, JournalEntry, VatRate
from services.ledger.values import Violations

COMPANIES = Company.__table__
ACCOUNTS = Account.__table__
DEFAULT_ACCOUNT_FIELDS = tuple(chart.DEFAULT_ACCOUNTS)


def check_company(values: dict, violations: Violations) -> None:
    """Rules across fields, on the company as it will be stored."""
    if not values.get("name"):
        violations.add("company.name", "is required")
    if not values.get("eik"):
        violations.add("company.eik", "is required")
    if values.get("is_vat_registered") and not values.get("vat_number"):
        violations.add("company.vat_number", "is required for a VAT-registered company")


async def _check_default_accounts(conn: AsyncConnection, company_id: uuid.UUID, values: dict, violations: Violations) -> None:
    wanted = {name: uuid.UUID(values[name]) for name in DEFAULT_ACCOUNT_FIELDS if values.get(name)}
    if not wanted:
        return
    found = set(await conn.scalars(select(ACCOUNTS.c.id).where(ACCOUNTS.c.company_id == company_id, ACCOUNTS.c.id.in_(wanted.values()))))
    for name, account_id in wanted.items():
        if account_id not in found:
            violations.add(f"company.{name}", "is not an account of this company")


def _stored(fields: dict) -> dict:
    """Request values -> column values ("" clears a default account)."""
    return {k: (uuid.UUID(v) if v else None) if k in DEFAULT_ACCOUNT_FIELDS else v for k, v in fields.items()}


def standard_chart_rows(company_id: uuid.UUID) -> tuple[list[dict], list[dict], dict]:
    """Rows of the standard chart and VAT rates for a new company, and its default accounts."""
    ids = {account.code: uuid.uuid4() for account in chart.STANDARD_CHART}
    levels: dict[str, int] = {}
    accounts = []
    for account in chart.STANDARD_CHART:
        parent = account.parent_code
        levels[account.code] = levels[parent] + 1 if parent else 1
        accounts.append(
            {
                "id": ids[account.code],
                "company_id": company_id,
                "code": account.code,
                "name": account.name,
                "description": "",
                "account_type": account.account_type,
                "account_class": account.code[0],
                "level": levels[account.code],
                "parent_id": ids[parent] if parent else None,
                "is_active": True,
                "is_system": True,
                "is_analytical": False,
                "vat_applicable": account.vat_applicable,
            }
        )
    rates = [
        {
            "id": uuid.uuid4(),
            "company_id": company_id,
            "name": rate.name,
            "percentage": rate.percentage,
            "description": rate.description,
            "is_active": True,
            "effective_from": rate.effective_from,
            "effective_to": None,
            "vat_code": rate.vat_code,
            "is_reverse_charge_applicable": False,
        }
        for rate in chart.STANDARD_VAT_RATES
    ]
    defaults = {field: ids[code] for field, code in chart.DEFAULT_ACCOUNTS.items()}
    return accounts, rates, defaults


class Companies:
    def __init__(self, engine: AsyncEngine, peers: Peers):
        self.engine = engine
        self.peers = peers

    async def list(self, requested_size: int, token: str):
        """The caller's companies by name, a page at a time (keyset on name, id)."""
        size = paging.page_size(requested_size)
        after = paging.decode_token(token, str, uuid.UUID)
        ids = await self.peers.my_company_ids()
        query = select(COMPANIES).where(COMPANIES.c.id.in_(ids)).order_by(COMPANIES.c.name, COMPANIES.c.id).limit(size + 1)
        if after:
            query = query.where(tuple_(COMPANIES.c.name, COMPANIES.c.id) > tuple_(*after))
        async with self.engine.connect() as conn:
            rows = list(await conn.execute(query))
            total = await conn.scalar(select(func.count()).select_from(COMPANIES).where(COMPANIES.c.id.in_(ids)))
        return *paging.next_page(rows, size, lambda r: (r.name, r.id)), total

    async def get(self, company_id: str):
        async with self.engine.connect() as conn:
            return await self._get(conn, uuid.UUID(company_id))

    async def _get(self, conn: AsyncConnection, company_id: uuid.UUID):
        row = (await conn.execute(select(COMPANIES).where(COMPANIES.c.id == company_id))).first()
        if row is None:
            raise NotFound(f"company {company_id} not found")
        return row

    async def create(self, fields: dict, with_chart: bool, request_id: str):
        """The new company (or, for a repeat of request_id, the one the first request made)."""
        violations = Violations()
        check_company(fields, violations)
        company_id = uuid.uuid4()
        caller = current_caller()
        key = idempotency.key(caller.user_id, "CreateCompany", request_id)
        async with self.engine.begin() as conn:
            if (first := await idempotency.claim(conn, IDEMPOTENCY_KEYS, key, company_id)) is not None:
                return await self._get(conn, first)
            if not with_chart:
                await _check_default_accounts(conn, company_id, fields, violations)
            violations.raise_if_any()
            values = _stored(fields)
            accounts, rates, defaults = standard_chart_rows(company_id) if with_chart else ([], [], {})
            for name, account_id in defaults.items():
                values.setdefault(name, account_id)
            await conn.execute(insert(COMPANIES).values(id=company_id, **values))
            await conn.execute(insert(EntryCounter.__table__).values(company_id=company_id, last_number=0))
            if accounts:
                # Parents first: the chart is listed in that order.
                await conn.execute(insert(ACCOUNTS), accounts)
                await conn.execute(insert(VatRate.__table__), rates)
            created = await self._get(conn, company_id)
            # Last, so a refused or failed grant rolls the company back: no company is left
            # behind that nobody can reach.
            await self.peers.claim_company(company_id)
        return created

    async def update(self, company_id: str, fields: dict):
        cid = uuid.UUID(company_id)
        async with self.engine.begin() as conn:
            current = await self._get(conn, cid)
            merged = {**current._asdict(), **fields}
            violations = Violations()
            check_company(merged, violations)
            await _check_default_accounts(conn, cid, fields, violations)
            violations.raise_if_any()
            if fields:
                await conn.execute(update(COMPANIES).where(COMPANIES.c.id == cid).values(**_stored(fields), updated_at=func.now()))
            return await self._get(conn, cid)

    async def delete(self, company_id: str) -> None:
        cid = uuid.UUID(company_id)
        async with self.engine.begin() as conn:
            await conn.execute(select(COMPANIES.c.id).where(COMPANIES.c.id == cid).with_for_update())
            await self._get(conn, cid)
            if await conn.scalar(select(exists().where(JournalEntry.company_id == cid))):
                raise FailedPrecondition("the company has journal entries and cannot be deleted", reason="COMPANY_HAS_ENTRIES")
            try:
                # Accounts reference their parents: clear the hierarchy so the cascade can go.
                await conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.company_id == cid).values(parent_id=None))
                await conn.execute(delete(COMPANIES).where(COMPANIES.c.id == cid))
            except IntegrityError:  # an entry was created meanwhile
                raise FailedPrecondition("the company has journal entries and cannot be deleted", reason="COMPANY_HAS_ENTRIES") from None
        await self.peers.release_company(cid)
