"""Counterparts: customers, suppliers and employees of a company. ЕИК and VAT number are
unique within a company; a VAT number can be checked with VIES and the answer is kept on the
counterpart."""

import uuid

from sqlalchemy import delete, exists, func, insert, or_, select, tuple_, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.kernel import idempotency, paging
from services.kernel.auth import current_caller
from services.kernel.errors import AlreadyExists, FailedPrecondition, NotFound
from services.ledger.peers import Peers, VatCheck
from services.ledger.store import IDEMPOTENCY_KEYS, Counterpart, EntryLine, JournalEntry
from services.ledger.values import Violations

COUNTERPARTS = Counterpart.__table__
ROLES = ("is_customer", "is_supplier", "is_employee")
SEARCH_DEFAULT = 20


def check_counterpart(values: dict, violations: Violations) -> None:
    if not values.get("name"):
        violations.add("counterpart.name", "is required")
    if not any(values.get(role) for role in ROLES):
        violations.add("counterpart.is_customer", "a counterpart must be a customer, a supplier or an employee (or several)")


def _duplicate(exc: IntegrityError) -> AlreadyExists:
    if "vat_number" in str(exc.orig):
        return AlreadyExists("a counterpart with this VAT number already exists in the company", reason="DUPLICATE_VAT_NUMBER")
    return AlreadyExists("a counterpart with this ЕИК already exists in the company", reason="DUPLICATE_EIK")


async def _get(conn: AsyncConnection, company_id: uuid.UUID, counterpart_id: uuid.UUID):
    row = (
        await conn.execute(select(COUNTERPARTS).where(COUNTERPARTS.c.company_id == company_id, COUNTERPARTS.c.id == counterpart_id))
    ).first()
    if row is None:
        raise NotFound(f"counterpart {counterpart_id} not found")
    return row


class Counterparts:
    def __init__(self, engine: AsyncEngine, peers: Peers):
        self.engine = engine
        self.peers = peers

    async def list(self, company_id: str, requested_size: int, token: str, customers: bool, suppliers: bool, vat_registered: bool):
        size = paging.page_size(requested_size)
        after = paging.decode_token(token, str, uuid.UUID)
        where = [COUNTERPARTS.c.company_id == uuid.UUID(company_id)]
        if customers:
            where.append(COUNTERPARTS.c.is_customer)
        if suppliers:
            where.append(COUNTERPARTS.c.is_supplier)
        if vat_registered:
            where.append(COUNTERPARTS.c.is_vat_registered)
        query = select(COUNTERPARTS).where(*where).order_by(COUNTERPARTS.c.name, COUNTERPARTS.c.id).limit(size + 1)
        if after:
            query = query.where(tuple_(COUNTERPARTS.c.name, COUNTERPARTS.c.id) > tuple_(*after))
        async with self.engine.connect() as conn:
            rows = list(await conn.execute(query))
            total = await conn.scalar(select(func.count()).select_from(COUNTERPARTS).where(*where))
        return *paging.next_page(rows, size, lambda r: (r.name, r.id)), total

    async def search(self, company_id: str, q: str, requested_size: int):
        """Name containing q (any case), or ЕИК / VAT number starting with it."""
        q = q.strip()
        c = COUNTERPARTS.c
        matches = or_(
            c.name.icontains(q, autoescape=True),
            c.eik.startswith(q, autoescape=True),
            c.vat_number.startswith(q.upper(), autoescape=True),
        )
        query = (
            select(COUNTERPARTS)
            .where(c.company_id == uuid.UUID(company_id), matches)
            .order_by(c.name, c.id)
            .limit(requested_size or SEARCH_DEFAULT)
        )
        async with self.engine.connect() as conn:
            return list(await conn.execute(query))

    async def get(self, company_id: str, counterpart_id: str):
        async with self.engine.connect() as conn:
            return await _get(conn, uuid.UUID(company_id), uuid.UUID(counterpart_id))

    async def create(self, company_id: str, fields: dict, request_id: str):
        cid = uuid.UUID(company_id)
        violations = Violations()
        check_counterpart(fields, violations)
        violations.raise_if_any()
        key = idempotency.key(f"{current_caller().user_id}/{cid}", "CreateCounterpart", request_id)
        counterpart_id = uuid.uuid4()
        async with self.engine.begin() as conn:
            if (first := await idempotency.claim(conn, IDEMPOTENCY_KEYS, key, counterpart_id)) is not None:
                return await _get(conn, cid, first)
            try:
                async with conn.begin_nested():
                    await conn.execute(insert(COUNTERPARTS).values(id=counterpart_id, company_id=cid, **fields))
            except IntegrityError as exc:
                raise _duplicate(exc) from None
            return await _get(conn, cid, counterpart_id)

    async def update(self, company_id: str, counterpart_id: str, fields: dict):
        cid, pid = uuid.UUID(company_id), uuid.UUID(counterpart_id)
        async with self.engine.begin() as conn:
            current = await _get(conn, cid, pid)
            violations = Violations()
            check_counterpart({**current._asdict(), **fields}, violations)
            violations.raise_if_any()
            changes = dict(fields)
            if "vat_number" in fields and fields["vat_number"] != current.vat_number:
                # The stored VIES answer was about the old number.
                changes.update(vat_validated=False, vat_validated_at=None, vies_status="", vies_name="", vies_address="")
            if changes:
                try:
                    async with conn.begin_nested():
                        await conn.execute(update(COUNTERPARTS).where(COUNTERPARTS.c.id == pid).values(**changes, updated_at=func.now()))
                except IntegrityError as exc:
                    raise _duplicate(exc) from None
            return await _get(conn, cid, pid)

    async def delete(self, company_id: str, counterpart_id: str) -> None:
        cid, pid = uuid.UUID(company_id), uuid.UUID(counterpart_id)
        in_use = FailedPrecondition("the counterpart has journal entries and cannot be deleted", reason="COUNTERPART_IN_USE")
        async with self.engine.begin() as conn:
            await _get(conn, cid, pid)
            used = or_(
                exists().where(JournalEntry.counterpart_id == pid),
                exists().where(EntryLine.counterpart_id == pid),
            )
            if await conn.scalar(select(used)):
                raise in_use
            try:
                async with conn.begin_nested():
                    await conn.execute(delete(COUNTERPARTS).where(COUNTERPARTS.c.id == pid))
            except IntegrityError:
                raise in_use from None

    async def validate_vat(self, company_id: str, vat_number: str) -> tuple[VatCheck, Row | None]:
        """VIES's answer, and the company's counterpart with that VAT number (None if there
        is none) with the answer stored on it. When vies cannot answer nothing changes."""
        check = await self.peers.check_vat(vat_number)
        cid = uuid.UUID(company_id)
        async with self.engine.begin() as conn:
            counterpart_id = await conn.scalar(
                select(COUNTERPARTS.c.id).where(COUNTERPARTS.c.company_id == cid, COUNTERPARTS.c.vat_number == vat_number)
            )
            if counterpart_id is None:
                return check, None
            await conn.execute(
                update(COUNTERPARTS)
                .where(COUNTERPARTS.c.id == counterpart_id)
                .values(
                    vat_validated=check.valid,
                    vat_validated_at=check.checked_at or func.now(),
                    vies_status="valid" if check.valid else "invalid",
                    vies_name=check.name[:500],
                    vies_address=check.address[:1000],
                    updated_at=func.now(),
                )
            )
            return check, await _get(conn, cid, counterpart_id)
