"""Generating a return: the company from ledger, the month's entries streamed from ledger by
column straight into the writers (never a list of the month), and the result kept as the
period's next version in one transaction. The three run together: a task reads ledger's
batches ahead of the builder, and the ledgers' bytes go into vat_file_chunks by one COPY while
they are written, a chunk at a time; DEKLAR.TXT and VIES.TXT follow at the end, then the rows of
the return and its files (the chunks' key to their file is checked at commit). A create with a
request_id stores its answer with the version (kernel idempotency) and gives it again on a
repeat."""

import asyncio
import contextlib
import hashlib
import struct
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

from baraba.ledger.v1 import ledger_pb2, ledger_pb2_grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.kernel import clients, idempotency, metrics
from services.kernel.auth import current_caller
from services.kernel.db import driver_connection
from services.kernel.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    ServiceError,
)
from services.kernel.peers import peer_errors
from services.vat.builder import FIELDS, Columns, Generated, ReturnBuilder
from services.vat.model import Choices, Company, Filer, Problem, ValidationFailed
from services.vat.store import IDEMPOTENCY_KEYS, VatFileChunk, VatReturn, VatReturnFile
from services.vat.versions import _kept

CHUNK = 1024 * 1024  # bytes per stored chunk
READ_AHEAD = 2  # batches read from ledger ahead of the builder (a batch is at most a few MB)
STREAM_TIMEOUT = 300.0  # seconds for reading a month from ledger (the edge allows vat 300 s)
COPY_COLUMNS = ("return_id", "name", "seq", "data")
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)  # binary COPY: signature, flags, no header extension
COPY_TRAILER = struct.pack("!h", -1)
CHUNKS = VatFileChunk.__tablename__
CHUNKS_FILE_KEY = "vat_file_chunks_return_id_name_fkey"
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


class _Columns:
    """A batch of ledger's VatLedgerColumns as the builder reads it (builder.Columns): each
    column split into its values when it is first read."""

    def __init__(self, message: ledger_pb2.VatLedgerColumns):
        self._message = message

    def __getattr__(self, name: str) -> list[str]:
        if name not in FIELDS:
            raise AttributeError(name)
        values = getattr(self._message, name).split("\0")
        if len(values) != self._message.count:
            raise ValueError(f"ledger sent {len(values)} values of {name} for {self._message.count} entries")
        setattr(self, name, values)
        return values


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
            sales, purchases = _File("PRODAGBI.TXT"), _File("POKUPKI.TXT")
            builder = ReturnBuilder(period, company, choices, sales, purchases)
            making = _Making(return_id, builder, self._batches(company_id, period), [sales, purchases])
            await conn.execute(text(f"SET CONSTRAINTS {CHUNKS_FILE_KEY} DEFERRED"))  # the chunks come before their files' rows
            driver = await driver_connection(conn)
            await driver.copy_to_table(CHUNKS, source=making.rows(), columns=COPY_COLUMNS, format="binary")
            try:
                generated = making.result()
            except ValidationFailed as failed:
                raise self._problem(failed) from None
            row = VatReturn(
                id=return_id, company_id=cid, period=period, currency=generated.currency, cells=generated.cells,
                vat_payable=Decimal(generated.cells["01-50"]), vat_refundable=Decimal(generated.cells["01-60"]), choices=given,
                notes=generated.notes, created_by=caller.user_id, created_by_name=caller.username, created_at=datetime.now(UTC),
            )  # fmt: skip
            facts = sorted((f.facts(return_id, _records(f.name, generated)) for f in making.files), key=lambda f: f.name)
            await _store(conn, row, facts)
        WRITTEN.inc()  # committed; a replay returned above without counting
        return render(row, facts)

    async def _company(self, company_id: str) -> Company:
        with peer_errors("ledger", "no VAT return was generated"):
            company = await clients.stub(ledger_pb2_grpc.CompanyServiceStub, "ledger").GetCompany(
                ledger_pb2.GetCompanyRequest(company_id=company_id), **clients.call_options()
            )
        return company_from_ledger(company)

    async def _batches(self, company_id: str, period: str) -> AsyncGenerator[_Columns | Columns]:
        """The month's entries by column, a batch at a time. A task reads up to READ_AHEAD
        batches ahead, so ledger reads and sends the next ones while the builder works."""
        stub = clients.stub(ledger_pb2_grpc.JournalEntryServiceStub, "ledger")
        call = stub.StreamVatEntries(
            ledger_pb2.StreamVatEntriesRequest(company_id=company_id, period=period, by_column=True),
            **clients.call_options(STREAM_TIMEOUT),
        )
        ahead: asyncio.Queue = asyncio.Queue(READ_AHEAD)

        async def read() -> None:
            try:
                async for batch in call:
                    await ahead.put(batch)
                await ahead.put(None)
            except Exception as exc:  # given to the reader, which raises it
                await ahead.put(exc)

        reader = asyncio.ensure_future(read())
        try:
            with peer_errors("ledger", "no VAT return was generated"):
                while (batch := await ahead.get()) is not None:
                    if isinstance(batch, Exception):
                        raise batch
                    # A ledger older than by_column sends one message per entry.
                    yield _Columns(batch.columns) if batch.columns.count else Columns(batch.entries)
                    await asyncio.sleep(0)  # the reader's turn: it takes the next batch off the wire
        finally:
            reader.cancel()
            call.cancel()

    @staticmethod
    def _problem(failed: ValidationFailed) -> ServiceError:
        if failed.problems and all(p.subject == "choices" for p in failed.problems):
            return InvalidArgument([FieldViolation(CHOICE_FIELDS.get(p.field, "choices"), p.message) for p in failed.problems])
        return ReturnNotWritable(failed)


def _records(name: str, generated: Generated) -> int:
    return {"DEKLAR.TXT": 1, "POKUPKI.TXT": generated.purchase_count, "PRODAGBI.TXT": generated.sales_count}.get(name, generated.vies_count)


class _File:
    """A file as the builder writes it: its size and SHA-256 as it grows, and its bytes cut into
    chunks of CHUNK bytes (the last one shorter) waiting to be copied."""

    def __init__(self, name: str, data: bytes = b""):
        self.name = name
        self.size = 0
        self.digest = hashlib.sha256()
        self.cut: list[bytes] = []  # chunks not copied yet
        self.copied = 0  # chunks copied so far
        self._rest = bytearray()
        self.write(data)

    def write(self, data: bytes) -> int:
        self.size += len(data)
        self.digest.update(data)
        self._rest += data
        while len(self._rest) >= CHUNK:
            self.cut.append(bytes(self._rest[:CHUNK]))
            del self._rest[:CHUNK]
        return len(data)

    def close(self) -> None:
        if self._rest:
            self.cut.append(bytes(self._rest))
            self._rest.clear()

    def rows(self, return_id: uuid.UUID) -> list[bytes]:
        """The cut chunks as binary COPY rows of vat_file_chunks (header, data, header, data, ...)."""
        name = self.name.encode()
        out = []
        for chunk in self.cut:
            out.append(
                struct.pack("!hi16si", len(COPY_COLUMNS), 16, return_id.bytes, len(name))
                + name
                + struct.pack("!iii", 4, self.copied, len(chunk))
            )
            out.append(chunk)
            self.copied += 1
        self.cut = []
        return out

    def facts(self, return_id: uuid.UUID, records: int) -> VatReturnFile:
        return VatReturnFile(return_id=return_id, name=self.name, size=self.size, sha256=self.digest.hexdigest(), records=records)


class _Making:
    """One return being made, as the source of the COPY into vat_file_chunks: each batch from
    ledger goes into the builder and the chunks it fills go out at once; DEKLAR.TXT and VIES.TXT
    at the end. A failure (the entries' problems, ledger's error) ends the COPY cleanly and is
    raised by result(): the caller's transaction then keeps nothing."""

    def __init__(self, return_id: uuid.UUID, builder: ReturnBuilder, batches: AsyncGenerator, ledgers: list[_File]):
        self.return_id = return_id
        self.builder = builder
        self.batches = batches
        self.files = ledgers  # then DEKLAR.TXT, and VIES.TXT when the month has supplies it reports
        self._generated: Generated | None = None
        self._failure: Exception | None = None

    async def rows(self) -> AsyncIterator[bytes]:
        yield COPY_HEADER
        try:
            async with contextlib.aclosing(self.batches) as batches:
                async for columns in batches:
                    self.builder.add_columns(columns)
                    for f in self.files:
                        for part in f.rows(self.return_id):
                            yield part
            generated = self._generated = self.builder.finish()
            self.files.append(_File("DEKLAR.TXT", generated.deklar))
            if generated.vies is not None:
                self.files.append(_File("VIES.TXT", generated.vies))
            for f in self.files:
                f.close()
                for part in f.rows(self.return_id):
                    yield part
        except Exception as exc:  # raised by result() once the COPY is closed
            self._failure = exc
        yield COPY_TRAILER

    def result(self) -> Generated:
        if self._failure is not None:
            raise self._failure
        assert self._generated is not None
        return self._generated


async def _store(conn: AsyncConnection, row: VatReturn, files: list[VatReturnFile]) -> None:
    """The return as the period's next version, in the caller's transaction (its files' chunks
    are in already)."""
    # One generation of a company's period at a time, so versions never collide.
    await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"vat:{row.company_id}:{row.period}"})
    latest = await conn.scalar(
        select(func.max(RETURNS.c.version)).where(RETURNS.c.company_id == row.company_id, RETURNS.c.period == row.period)
    )
    row.version = (latest or 0) + 1
    await conn.execute(insert(VatReturn).values({c.name: getattr(row, c.key) for c in RETURNS.columns}))
    await conn.execute(insert(VatReturnFile), [{c.name: getattr(f, c.key) for c in FILES.columns} for f in files])
