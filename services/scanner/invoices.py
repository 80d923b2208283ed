"""Scanned invoices: one file read at once, then kept for review — listed, corrected by a
person, rechecked with VIES, rejected or deleted. Every read and change is scoped to the
company."""

from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import undefer

from services.kernel.errors import FailedPrecondition, InvalidArgument, NotFound
from services.kernel.fields import parse_uuid
from services.scanner import extraction, peers, reading
from services.scanner.extraction import Extraction, Found
from services.scanner.line_items import LineItem
from services.scanner.recognition import Recognition, new_row, set_fields
from services.scanner.store import ScannedInvoice
from services.scanner.uploads import UploadedFile


class Invoices:
    def __init__(self, sessions: async_sessionmaker, recognition: Recognition):
        self.sessions = sessions
        self.recognition = recognition

    async def scan(self, company_id: str, upload: UploadedFile) -> ScannedInvoice:
        reading.sniff(upload.data)  # refuse non-documents before anything is kept
        row = new_row(company_id, upload)
        await self.recognition.fill(row, upload)
        if row.status == "FAILED":
            raise InvalidArgument.field("file", row.error.removeprefix("file: "))
        async with self.sessions.begin() as db:
            db.add(row)
        return row

    async def get(self, company_id: str, invoice_id: str, with_file: bool = False) -> ScannedInvoice:
        async with self.sessions() as db:
            query = select(ScannedInvoice).where(
                ScannedInvoice.id == parse_uuid(invoice_id), ScannedInvoice.company_id == parse_uuid(company_id, "company_id")
            )
            if with_file:
                query = query.options(undefer(ScannedInvoice.file_data))
            row = await db.scalar(query)
        if row is None:
            raise NotFound(f"scanned invoice {invoice_id} not found")
        return row

    async def list(self, company_id: str, status: str, limit: int, before: tuple | None) -> list[ScannedInvoice]:
        query = select(ScannedInvoice).where(ScannedInvoice.company_id == parse_uuid(company_id, "company_id"))
        if status:
            query = query.where(ScannedInvoice.status == status)
        if before:
            query = query.where(tuple_(ScannedInvoice.created_at, ScannedInvoice.id) < before)
        async with self.sessions() as db:
            return list(
                (await db.scalars(query.order_by(ScannedInvoice.created_at.desc(), ScannedInvoice.id.desc()).limit(limit + 1))).all()
            )

    async def next_pending(self, company_id: str, current_id: str) -> ScannedInvoice:
        query = select(ScannedInvoice).where(
            ScannedInvoice.company_id == parse_uuid(company_id, "company_id"), ScannedInvoice.status == "PENDING"
        )
        if current_id:
            query = query.where(ScannedInvoice.id != parse_uuid(current_id, "current_id"))
        async with self.sessions() as db:
            row = await db.scalar(query.order_by(ScannedInvoice.created_at, ScannedInvoice.id).limit(1))
        if row is None:
            raise NotFound("no scanned invoice awaits review")
        return row

    async def change(self, company_id: str, invoice_id: str, change, allowed=("PENDING",)) -> ScannedInvoice:
        """Applies `change` to the invoice under a row lock, if its status allows."""
        async with self.sessions.begin() as db:
            row = await db.scalar(
                select(ScannedInvoice)
                .where(ScannedInvoice.id == parse_uuid(invoice_id), ScannedInvoice.company_id == parse_uuid(company_id, "company_id"))
                .with_for_update()
            )
            if row is None:
                raise NotFound(f"scanned invoice {invoice_id} not found")
            if row.status not in allowed:
                raise FailedPrecondition(
                    f"the scanned invoice is {row.status.lower()}; this needs it {' or '.join(a.lower() for a in allowed)}",
                    reason="WRONG_STATUS",
                )
            await change(row)
        return row

    async def correct(
        self, company_id: str, invoice_id: str, corrections: dict[str, str], direction: str, line_items: Sequence[dict] | None = None
    ) -> ScannedInvoice:
        """A person's corrections: fields, the direction, and (when given) the line items, which
        replace the read ones."""

        async def change(row):
            fields = dict(row.fields)
            for name, value in corrections.items():
                fields[name] = asdict(Found(value, 1.0, "manual"))
            if line_items is not None:
                row.line_items = [asdict(LineItem(**item, confidence=1.0, page=0)) for item in line_items]
            set_fields(row, fields, _reasons_after_correction(fields, row.line_items or []))
            if direction:
                row.direction = direction

        return await self.change(company_id, invoice_id, change)

    async def reject(self, company_id: str, invoice_id: str, reason: str) -> ScannedInvoice:
        async def change(row):
            row.status, row.reject_reason = "REJECTED", reason

        return await self.change(company_id, invoice_id, change)

    async def recheck_vat(self, company_id: str, invoice_id: str) -> ScannedInvoice:
        row = await self.get(company_id, invoice_id)
        checks = await peers.vat_checks({n: Found(**f) for n, f in row.fields.items()})

        async def change(r):
            r.vat_checks = checks

        return await self.change(company_id, invoice_id, change, allowed=("PENDING", "APPROVED", "REJECTED"))

    async def delete(self, company_id: str, invoice_id: str) -> None:
        async with self.sessions.begin() as db:
            row = await db.scalar(
                select(ScannedInvoice)
                .where(ScannedInvoice.id == parse_uuid(invoice_id), ScannedInvoice.company_id == parse_uuid(company_id, "company_id"))
                .with_for_update()
            )
            if row is None:
                raise NotFound(f"scanned invoice {invoice_id} not found")
            if row.status == "APPROVED":
                raise FailedPrecondition("an approved invoice stays: its journal entry is in the ledger", reason="WRONG_STATUS")
            if row.status in ("QUEUED", "PROCESSING"):
                raise FailedPrecondition("the invoice is still being read: cancel its batch first", reason="WRONG_STATUS")
            await db.delete(row)


def _reasons_after_correction(fields: dict[str, dict], line_items: list[dict]) -> list[str]:
    probe = Extraction(source="manual", fields={n: Found(**f) for n, f in fields.items()}, line_items=[LineItem(**i) for i in line_items])
    extraction._review(probe)
    return probe.review_reasons
