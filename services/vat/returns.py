"""Generating a return: the company from ledger, the month's entries streamed from ledger
straight into the writers (spooled to temporary files, never a list of the month), and the
result stored from those files as the period's next version in one transaction: the files'
bytes go in by COPY, a chunk at a time. A create with a request_id stores its answer with the
version (kernel idempotency) and gives it again on a repeat."""

import hashlib
import io
import struct
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, TypeVar, cast

from baraba.ledger.v1 import ledger_pb2, ledger_pb2_grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.kernel import clients, idempotency, metrics
from services.kernel.auth import current_caller
from services.kernel.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    ServiceError,
)
from services.kernel.peers import peer_errors
from services.vat.builder import Generated, ReturnBuilder
from services.vat.model import Choices, Company, Filer, Problem, ValidationFailed, VatEntry
from services.vat.store import IDEMPOTENCY_KEYS, VatFileChunk, VatReturn, VatReturnFile
from services.vat.versions import _kept

SPOOL_BYTES = 1024 * 1024  # a ledger larger than this goes to a temporary file on disk
CHUNK = 1024 * 1024  # bytes per stored chunk
STREAM_TIMEOUT = 300.0  # seconds for reading a month from ledger (the edge allows vat 300 s)
COPY_COLUMNS = ("return_id", "name", "seq", "data")
RETURNS = VatReturn.__table__
FILES = VatReturnFile.__table__
WRITTEN = metrics.counter("baraba_vat_returns_written_total", "VAT returns generated and stored")
# Domain problem fields about the filer's choices -> the request fields to fix.
CHOICE_FIELDS = {
    "coefficient": "choices.coefficient",
    "cells 01-70 + 01-71": "choices.paid",
    "cells 01-80 + 01-81 + 01-82": "choices.refund_art92_1",
}
M = TypeVar("M", bound=Message)


class ReturnNotWritable(FailedPrecondition):
    """The entries or the company data break the layouts: every problem, one per violation. An
    entry's problem names the entry by its id (type VAT_ENTRY, subject
    "journal-entries/<id>", the person's text in the description), so a client links to it
    without reading the text; any other problem (type VAT_RETURN) names the company, a choice
    or a file as its subject."""

    reason = "VAT_RETURN_NOT_WRITABLE"

    def __init__(self, failed: ValidationFailed):
        self.failed = failed
        more = f" (and {failed.more} more)" if failed.more else ""
        super().__init__(f"the return cannot be written: {len(failed.problems)} problem(s){more}: " + "; ".join(map(str, failed.problems)))

    def to_status(self):
        status = super().to_status()
        details = error_details_pb2.PreconditionFailure(violations=[violation(p) for p in self.failed.problems])
        packed = any_pb2.Any()
        packed.Pack(details)
        status.details.append(packed)
        return status


def violation(problem: Problem) -> error_details_pb2.PreconditionFailure.Violation:
    Violation = error_details_pb2.PreconditionFailure.Violation
    if problem.entry_id:
        return Violation(type="VAT_ENTRY", subject=f"journal-entries/{problem.entry_id}", description=str(problem))
    return Violation(type="VAT_RETURN", subject=problem.subject, description=f"{problem.field}: {problem.message}")


def company_from_ledger(c: ledger_pb2.Company) -> Company:
    address = ", ".join(part for part in (c.city, c.address) if part)
    filer = Filer(
        egn=c.representative_eik,
        name=c.representative_name,
        city=c.city,
        postcode=c.post_code,
        address=c.address,
        capacity="A" if c.representative_type == "AUTHORIZED_PERSON" else "R",
    )
    return Company(vat_number=c.vat_number, name=c.name, address=address, filer=filer)


class Returns:
    def __init__(self, engine: AsyncEngine):
        self.engine = engine

    async def generate(
        self, company_id: str, period: str, choices: Choices, given: dict, request_id: str,
        render: Callable[[VatReturn, list[VatReturnFile]], M], response_type: type[M],
    ) -> M:  # fmt: skip
        """Generates and keeps the period's next version; a repeat of the same request_id gets
        the version the first request made, without generating again."""
        cid = uuid.UUID(company_id)
        caller = current_caller()
        key = idempotency.key(f"{caller.user_id}/{cid}", "CreateVatReturn", request_id)
        return_id = uuid.uuid4()
        async with self.engine.begin() as conn:
            if (first := await idempotency.claim(conn, IDEMPOTENCY_KEYS, key, return_id)) is not None:
                kept = await _kept(conn, cid, first)
                return render(kept.row, kept.files)
            company = await self._company(company_id)
            with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as sales, tempfile.SpooledTemporaryFile(SPOOL_BYTES) as purchases:
                builder = ReturnBuilder(period, company, choices, sales, purchases)
                try:
                    async for entry in self._entries(company_id, period):
                        builder.add(cast(VatEntry, entry))  # a VatLedgerEntry: VatEntry's fields, not copied
                    generated = builder.finish()
                except ValidationFailed as failed:
                    raise self._problem(failed) from None
                contents: dict[str, IO[bytes]] = {
                    "DEKLAR.TXT": io.BytesIO(generated.deklar),
                    "POKUPKI.TXT": purchases,
                    "PRODAGBI.TXT": sales,
                }
                if generated.vies is not None:
                    contents["VIES.TXT"] = io.BytesIO(generated.vies)
                row = VatReturn(
                    id=return_id, company_id=cid, period=period, currency=generated.currency, cells=generated.cells,
                    vat_payable=Decimal(generated.cells["01-50"]), vat_refundable=Decimal(generated.cells["01-60"]), choices=given,
                    notes=generated.notes, created_by=caller.user_id, created_by_name=caller.username, created_at=datetime.now(UTC),
                )  # fmt: skip
                files = [(_facts(row.id, name, content, _records(name, generated)), content) for name, content in sorted(contents.items())]
                await _store(conn, row, files)
        WRITTEN.inc()  # committed; a replay returned above without counting
        return render(row, [f for f, _ in files])

    async def _company(self, company_id: str) -> Company:
        with peer_errors("ledger", "no VAT return was generated"):
            company = await clients.stub(ledger_pb2_grpc.CompanyServiceStub, "ledger").GetCompany(
                ledger_pb2.GetCompanyRequest(company_id=company_id), **clients.call_options()
            )
        return company_from_ledger(company)

    async def _entries(self, company_id: str, period: str) -> AsyncIterator[ledger_pb2.VatLedgerEntry]:
        """The month's entries as ledger sends them: the builder reads VatLedgerEntry's fields
        by VatEntry's names, so no copy of each entry is made."""
        stub = clients.stub(ledger_pb2_grpc.JournalEntryServiceStub, "ledger")
        call = stub.StreamVatEntries(
            ledger_pb2.StreamVatEntriesRequest(company_id=company_id, period=period),
            **clients.call_options(STREAM_TIMEOUT),
        )
        with peer_errors("ledger", "no VAT return was generated"):
            async for batch in call:
                for message in batch.entries:
                    yield message

    @staticmethod
    def _problem(failed: ValidationFailed) -> ServiceError:
        if failed.problems and all(p.subject == "choices" for p in failed.problems):
            return InvalidArgument([FieldViolation(CHOICE_FIELDS.get(p.field, "choices"), p.message) for p in failed.problems])
        return ReturnNotWritable(failed)


def _records(name: str, generated: Generated) -> int:
    return {"DEKLAR.TXT": 1, "POKUPKI.TXT": generated.purchase_count, "PRODAGBI.TXT": generated.sales_count}.get(name, generated.vies_count)


def _facts(return_id: uuid.UUID, name: str, content: IO[bytes], records: int) -> VatReturnFile:
    """The file's facts, read from its stream a chunk at a time."""
    digest, size = hashlib.sha256(), 0
    content.seek(0)
    while chunk := content.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return VatReturnFile(return_id=return_id, name=name, size=size, sha256=digest.hexdigest(), records=records)


async def _store(conn: AsyncConnection, row: VatReturn, files: list[tuple[VatReturnFile, IO[bytes]]]) -> None:
    """The return as the period's next version, in the caller's transaction."""
    # One generation of a company's period at a time, so versions never collide.
    await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"vat:{row.company_id}:{row.period}"})
    latest = await conn.scalar(
        select(func.max(RETURNS.c.version)).where(RETURNS.c.company_id == row.company_id, RETURNS.c.period == row.period)
    )
    row.version = (latest or 0) + 1
    await conn.execute(insert(VatReturn).values({c.name: getattr(row, c.key) for c in RETURNS.columns}))
    await conn.execute(insert(VatReturnFile), [{c.name: getattr(f, c.key) for c in FILES.columns} for f, _ in files])
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None
    await driver.copy_to_table(VatFileChunk.__tablename__, source=_chunk_rows(row.id, files), columns=COPY_COLUMNS, format="binary")


async def _chunk_rows(return_id: uuid.UUID, files: list[tuple[VatReturnFile, IO[bytes]]]) -> AsyncIterator[bytes]:
    """vat_file_chunks rows in PostgreSQL's binary COPY format, each file read from its stream a
    chunk at a time: a ledger of hundreds of megabytes never sits in this process whole."""
    yield b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)  # signature, flags, no header extension
    for f, content in files:
        name = f.name.encode()
        content.seek(0)
        seq = 0
        while chunk := content.read(CHUNK):
            yield struct.pack("!hi16si", len(COPY_COLUMNS), 16, return_id.bytes, len(name)) + name + struct.pack("!iii", 4, seq, len(chunk))
            yield chunk
            seq += 1
    yield struct.pack("!h", -1)
