"""VAT rates of a company: a percentage from 0 to 100 that applies from one date, up to
another or open-ended. Names are unique within a company."""

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, func, insert, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.kernel import idempotency, paging
from services.kernel.auth import current_caller
from services.kernel.errors import AlreadyExists, NotFound
from services.ledger.store import IDEMPOTENCY_KEYS, VatRate
from services.ledger.values import Violations

VAT_RATES = VatRate.__table__


def parse_vat_rate(fields: dict, violations: Violations) -> dict:
    """Request strings -> column values, for the fields present."""
    values = dict(fields)
    if "percentage" in fields:
        if fields["percentage"].strip() == "":
            violations.add("vat_rate.percentage", "is required")
        values["percentage"] = violations.percentage(fields["percentage"], "vat_rate.percentage")
    if "effective_from" in fields:
        values["effective_from"] = violations.date(fields["effective_from"], "vat_rate.effective_from")
    if "effective_to" in fields:
        values["effective_to"] = violations.date(fields["effective_to"], "vat_rate.effective_to", required=False)
    return values


def check_period(values: dict, violations: Violations) -> None:
    start, end = values.get("effective_from"), values.get("effective_to")
    if start and end and end < start:
        violations.add("vat_rate.effective_to", "must not be before effective_from")


async def _get(conn: AsyncConnection, company_id: uuid.UUID, rate_id: uuid.UUID):
    row = (await conn.execute(select(VAT_RATES).where(VAT_RATES.c.company_id == company_id, VAT_RATES.c.id == rate_id))).first()
    if row is None:
        raise NotFound(f"VAT rate {rate_id} not found")
    return row


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None


def _duplicate(values: dict) -> AlreadyExists:
    return AlreadyExists(f"a VAT rate named {values.get('name')!r} already exists in the company")


class VatRates:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine

    async def list(self, company_id: str, active_only: bool, requested_size: int, token: str):
        """Highest percentage first, then by name."""
        size = paging.page_size(requested_size)
        after = paging.decode_token(token, _decimal, str)
        c = VAT_RATES.c
        where = [c.company_id == uuid.UUID(company_id)]
        if active_only:
            today = date.today()  # noqa: DTZ011 - the server's calendar day, as everywhere in the ledger
            where += [c.is_active, c.effective_from <= today, or_(c.effective_to.is_(None), c.effective_to >= today)]
        query = select(VAT_RATES).where(*where).order_by(-c.percentage, c.name).limit(size + 1)
        if after:
            query = query.where(tuple_(-c.percentage, c.name) > tuple_(-after[0], after[1]))
        async with self.engine.connect() as conn:
            rows = list(await conn.execute(query))
            total = await conn.scalar(select(func.count()).select_from(VAT_RATES).where(*where))
        return *paging.next_page(rows, size, lambda r: (r.percentage, r.name)), total

    async def get(self, company_id: str, rate_id: str):
        async with self.engine.connect() as conn:
            return await _get(conn, uuid.UUID(company_id), uuid.UUID(rate_id))

    async def create(self, company_id: str, fields: dict, request_id: str):
        cid = uuid.UUID(company_id)
        violations = Violations()
        if not fields.get("name"):
            violations.add("vat_rate.name", "is required")
        if "percentage" not in fields:
            violations.add("vat_rate.percentage", "is required")
        today = date.today()  # noqa: DTZ011 - the server's calendar day, as everywhere in the ledger
        values = {"is_active": True, "effective_from": today.isoformat(), **fields}
        values = parse_vat_rate(values, violations)
        check_period(values, violations)
        violations.raise_if_any()
        key = idempotency.key(f"{current_caller().user_id}/{cid}", "CreateVatRate", request_id)
        rate_id = uuid.uuid4()
        async with self.engine.begin() as conn:
            if (first := await idempotency.claim(conn, IDEMPOTENCY_KEYS, key, rate_id)) is not None:
                return await _get(conn, cid, first)
            try:
                async with conn.begin_nested():
                    await conn.execute(insert(VAT_RATES).values(id=rate_id, company_id=cid, **values))
            except IntegrityError:
                raise _duplicate(values) from None
            return await _get(conn, cid, rate_id)

    async def update(self, company_id: str, rate_id: str, fields: dict):
        cid, rid = uuid.UUID(company_id), uuid.UUID(rate_id)
        violations = Violations()
        changes = parse_vat_rate(fields, violations)
        violations.raise_if_any()
        async with self.engine.begin() as conn:
            current = await _get(conn, cid, rid)
            check_period({**current._asdict(), **changes}, violations)
            violations.raise_if_any()
            if changes:
                try:
                    async with conn.begin_nested():
                        await conn.execute(update(VAT_RATES).where(VAT_RATES.c.id == rid).values(**changes, updated_at=func.now()))
                except IntegrityError:
                    raise _duplicate(changes) from None
            return await _get(conn, cid, rid)

    async def delete(self, company_id: str, rate_id: str) -> None:
        cid, rid = uuid.UUID(company_id), uuid.UUID(rate_id)
        async with self.engine.begin() as conn:
            await _get(conn, cid, rid)
            await conn.execute(delete(VAT_RATES).where(VAT_RATES.c.id == rid))
