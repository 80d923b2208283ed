"""VAT's servicer: proto <-> Returns / the parser, nothing else."""

import base64
import json
import uuid
from decimal import Decimal

from baraba.vat.v1 import vat_pb2 as pb
from baraba.vat.v1 import vat_pb2_grpc as rpc
from google.api import httpbody_pb2

from services.kernel import paging
from services.kernel.companies import require_company_access
from services.kernel.errors import NotFound
from services.kernel.fields import timestamp
from services.vat import parser
from services.vat.model import Choices
from services.vat.returns import Returns, Stored, archive
from services.vat.store import VatReturn, VatReturnFile

TEXT_TYPE = "text/plain; charset=windows-1251"
CHUNK = 1024 * 1024
SEVERITIES = {parser.ERROR: pb.VatFileProblem.SEVERITY_ERROR, parser.WARNING: pb.VatFileProblem.SEVERITY_WARNING}
CHOICE_NAMES = ("coefficient", "offset_art92_1", "paid", "refund_art92_1", "refund_art92_3", "refund_art92_4")


def choices_from(message: pb.VatChoices) -> tuple[Choices, dict]:
    given = {name: getattr(message, name) for name in CHOICE_NAMES if message.HasField(name)}
    values = {name: Decimal(value) for name, value in given.items()}
    return Choices(**values), given


def return_message(row: VatReturn, files: list[VatReturnFile]) -> pb.VatReturn:
    return pb.VatReturn(
        id=str(row.id), company_id=str(row.company_id), period=row.period, version=row.version, currency=row.currency,
        files=[pb.VatFile(name=f.name, size=f.size, sha256=f.sha256, records=f.records) for f in files],
        cells=row.cells, vat_payable=f"{row.vat_payable:.2f}", vat_refundable=f"{row.vat_refundable:.2f}",
        choices=pb.VatChoices(**row.choices), notes=row.notes, created_by=row.created_by,
        created_by_name=row.created_by_name, created_at=timestamp(row.created_at),
    )  # fmt: skip


async def _download(context, name: str, content_type: str, data: bytes):
    """Headers first (the file name), then the bytes in chunks; called only once the file is known."""
    await context.send_initial_metadata((("content-disposition", f'attachment; filename="{name}"'),))
    yield httpbody_pb2.HttpBody(content_type=content_type, data=data[:CHUNK])
    for start in range(CHUNK, len(data), CHUNK):
        yield httpbody_pb2.HttpBody(data=data[start : start + CHUNK])


class VatReturnServicer(rpc.VatReturnServiceServicer):
    def __init__(self, returns: Returns):
        self.returns = returns
        self.store = returns.store

    async def _generate(self, request, context) -> Stored:
        await require_company_access(request.company_id)
        choices, given = choices_from(request.choices)
        request_id = getattr(request, "request_id", "")
        return await self.returns.generate(request.company_id, request.period, choices, given, request_id, context.time_remaining())

    async def CreateVatReturn(self, request, context):
        stored = await self._generate(request, context)
        return return_message(stored.row, stored.files)

    async def GenerateVatFiles(self, request, context):
        stored = await self._generate(request, context)
        contents = await self.store.all_contents(stored.row.id)
        files = {name: base64.b64encode(data).decode("ascii") for name, data in sorted(contents.items())}
        return httpbody_pb2.HttpBody(content_type="application/json", data=json.dumps(files).encode())

    async def ListVatReturns(self, request, context):
        await require_company_access(request.company_id)
        after = paging.decode_token(request.page_token, str, int)
        size = paging.page_size(request.page_size)
        rows = await self.store.page(uuid.UUID(request.company_id), request.period, after, size + 1)
        page, token = paging.next_page(rows, size, lambda r: (r[0].period, r[0].version))
        return pb.ListVatReturnsResponse(vat_returns=[return_message(r, f) for r, f in page], next_page_token=token)

    async def GetVatReturn(self, request, context):
        await require_company_access(request.company_id)
        found = await self.store.get(uuid.UUID(request.company_id), uuid.UUID(request.id))
        if found is None:
            raise NotFound(f"VAT return {request.id} not found")
        return return_message(*found)

    async def DownloadVatFile(self, request, context):
        await require_company_access(request.company_id)
        found = await self.store.file_content(uuid.UUID(request.company_id), uuid.UUID(request.id), request.file_name)
        if found is None:
            raise NotFound(f"VAT return {request.id} has no file {request.file_name}")
        async for chunk in _download(context, request.file_name, TEXT_TYPE, found[1]):
            yield chunk

    async def DownloadVatArchive(self, request, context):
        await require_company_access(request.company_id)
        found = await self.store.get(uuid.UUID(request.company_id), uuid.UUID(request.id))
        if found is None:
            raise NotFound(f"VAT return {request.id} not found")
        row = found[0]
        data = archive(row, await self.store.all_contents(row.id))
        name = f"VAT-{row.cells.get('00-01', '')}-{row.period}-v{row.version}.zip"
        async for chunk in _download(context, name, "application/zip", data):
            yield chunk

    async def CheckVatFiles(self, request, context):
        report = parser.check_files(dict(request.files))
        deklar = report.files.get("DEKLAR.TXT")
        cells = {code: _text(value) for code, value in (deklar.cells.items() if deklar else ())}
        return pb.CheckVatFilesResponse(
            ok=report.ok,
            problems=[
                pb.VatFileProblem(file=p.file, record=p.record, field=p.field, message=p.message, severity=SEVERITIES[p.severity])
                for p in report.problems
            ],
            records={name: parsed.count for name, parsed in report.files.items()},
            cells=cells,
        )


def _text(value) -> str:
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)
