"""Generating a return: the company from ledger, the month's entries streamed from ledger
straight into the writers (spooled to temporary files, never a list of the month), and the
result stored from those files as the period's next version in one transaction."""

import hashlib
import io
import tempfile
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO

import grpc
from baraba.ledger.v1 import ledger_pb2, ledger_pb2_grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2

from services.kernel import clients
from services.kernel.auth import current_caller
from services.kernel.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ServiceError,
    Unavailable,
)
from services.vat.builder import Generated, ReturnBuilder
from services.vat.model import Choices, Company, Filer, ValidationFailed
from services.vat.store import Store, VatReturn, VatReturnFile

SPOOL_BYTES = 1024 * 1024  # a ledger larger than this goes to a temporary file on disk
HASH_CHUNK = 1024 * 1024
STREAM_TIMEOUT = 600.0  # seconds for reading a month from ledger
# Domain problem fields about the filer's choices -> the request fields to fix.
CHOICE_FIELDS = {
    "coefficient": "choices.coefficient",
    "cells 01-70 + 01-71": "choices.paid",
    "cells 01-80 + 01-81 + 01-82": "choices.refund_art92_1",
}


class ReturnNotWritable(FailedPrecondition):
    """The entries or the company data break the layouts: every problem, one per violation."""

    reason = "VAT_RETURN_NOT_WRITABLE"

    def __init__(self, failed: ValidationFailed):
        self.failed = failed
        more = f" (and {failed.more} more)" if failed.more else ""
        super().__init__(f"the return cannot be written: {len(failed.problems)} problem(s){more}: " + "; ".join(map(str, failed.problems)))

    def to_status(self):
        status = super().to_status()
        details = error_details_pb2.PreconditionFailure(
            violations=[
                error_details_pb2.PreconditionFailure.Violation(type="VAT_ENTRY", subject=p.subject, description=f"{p.field}: {p.message}")
                for p in self.failed.problems
            ]
        )
        packed = any_pb2.Any()
        packed.Pack(details)
        status.details.append(packed)
        return status


@dataclass
class Stored:
    row: VatReturn
    files: list[VatReturnFile]  # without their bytes


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


def ledger_error(exc: grpc.aio.AioRpcError) -> ServiceError:
    code = exc.code()
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound("the company does not exist in ledger")
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return PermissionDenied(exc.details() or "ledger refused access")
    return Unavailable(f"ledger could not be read ({code.name}); try again")


class Returns:
    def __init__(self, store: Store):
        self.store = store

    async def generate(
        self, company_id: str, period: str, choices: Choices, given: dict, request_id: str, remaining: float | None
    ) -> Stored:
        caller = current_caller()
        if request_id:
            found = await self.store.by_request_id(uuid.UUID(company_id), request_id)
            if found is not None:
                return Stored(found[0], found[1])
        try:
            company = await clients.stub(ledger_pb2_grpc.CompanyServiceStub, "ledger").GetCompany(
                ledger_pb2.GetCompanyRequest(company_id=company_id), **clients.call_options(remaining=remaining)
            )
        except grpc.aio.AioRpcError as exc:
            raise ledger_error(exc) from None
        with tempfile.SpooledTemporaryFile(SPOOL_BYTES) as sales, tempfile.SpooledTemporaryFile(SPOOL_BYTES) as purchases:
            builder = ReturnBuilder(period, company_from_ledger(company), choices, sales, purchases)
            try:
                async for entry in self._entries(company_id, period, remaining):
                    builder.add(entry)  # type: ignore[arg-type]  # VatLedgerEntry has VatEntry's fields
                generated = builder.finish()
            except ValidationFailed as failed:
                raise self._problem(failed) from None
            contents: dict[str, IO[bytes]] = {"DEKLAR.TXT": io.BytesIO(generated.deklar), "POKUPKI.TXT": purchases, "PRODAGBI.TXT": sales}
            if generated.vies is not None:
                contents["VIES.TXT"] = io.BytesIO(generated.vies)
            row = VatReturn(
                company_id=uuid.UUID(company_id), period=period, currency=generated.currency, cells=generated.cells,
                vat_payable=Decimal(generated.cells["01-50"]), vat_refundable=Decimal(generated.cells["01-60"]), choices=given,
                notes=generated.notes, request_id=request_id or None, created_by=caller.user_id, created_by_name=caller.username,
                created_at=datetime.now(UTC),
            )  # fmt: skip
            files = [(_file(name, content, _records(name, generated)), content) for name, content in sorted(contents.items())]
            await self.store.add(row, files)
        return Stored(row, [f for f, _ in files])

    async def _entries(self, company_id: str, period: str, remaining: float | None) -> AsyncIterator[ledger_pb2.VatLedgerEntry]:
        """The month's entries as ledger sends them: the builder reads VatLedgerEntry's fields
        by VatEntry's names, so no copy of each entry is made."""
        stub = clients.stub(ledger_pb2_grpc.JournalEntryServiceStub, "ledger")
        call = stub.StreamVatEntries(
            ledger_pb2.StreamVatEntriesRequest(company_id=company_id, period=period),
            **clients.call_options(timeout=STREAM_TIMEOUT, remaining=remaining),
        )
        try:
            async for batch in call:
                for message in batch.entries:
                    yield message
        except grpc.aio.AioRpcError as exc:
            raise ledger_error(exc) from None

    @staticmethod
    def _problem(failed: ValidationFailed) -> ServiceError:
        if failed.problems and all(p.subject == "choices" for p in failed.problems):
            return InvalidArgument([FieldViolation(CHOICE_FIELDS.get(p.field, "choices"), p.message) for p in failed.problems])
        return ReturnNotWritable(failed)


def _records(name: str, generated: Generated) -> int:
    return {"DEKLAR.TXT": 1, "POKUPKI.TXT": generated.purchase_count, "PRODAGBI.TXT": generated.sales_count}.get(name, generated.vies_count)


def _file(name: str, content: IO[bytes], records: int) -> VatReturnFile:
    """The file's facts, read from its stream a chunk at a time."""
    digest, size = hashlib.sha256(), 0
    content.seek(0)
    while chunk := content.read(HASH_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return VatReturnFile(name=name, size=size, sha256=digest.hexdigest(), records=records)


def archive(row: VatReturn, contents: dict[str, bytes]) -> bytes:
    """The return's files as a ZIP. Entry times are the return's creation time, so the same
    version always downloads as the same bytes."""
    stamp = row.created_at.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(contents):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, contents[name])
    return buffer.getvalue()
