"""VAT's servicer: proto <-> the domain (returns.py, versions.py, the parser), nothing else."""

import base64
import json
from decimal import Decimal

from baraba.vat.v1 import vat_pb2 as pb
from baraba.vat.v1 import vat_pb2_grpc as rpc
from google.api import httpbody_pb2

from services.kernel.errors import FailedPrecondition
from services.kernel.fields import timestamp
from services.vat import parser
from services.vat.model import Choices
from services.vat.returns import Returns
from services.vat.store import VatReturn, VatReturnFile
from services.vat.versions import OLD_ROUTE_LIMIT, TooLargeForOneAnswer, Versions

TEXT_TYPE = "text/plain; charset=windows-1251"
CHOICE_NAMES = ("coefficient", "offset_art92_1", "paid", "refund_art92_1", "refund_art92_3", "refund_art92_4")
SEVERITIES = {parser.ERROR: pb.VatFileProblem.SEVERITY_ERROR, parser.WARNING: pb.VatFileProblem.SEVERITY_WARNING}


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


async def _download(context, name: str, content_type: str, chunks):
    """Headers first (the file name), then one HttpBody per chunk as it is read: Envoy's
    transcoder sends each message's data on as a piece of one chunked HTTP response."""
    await context.send_initial_metadata((("content-disposition", f'attachment; filename="{name}"'),))
    first = True
    async for data in chunks:
        yield httpbody_pb2.HttpBody(content_type=content_type, data=data) if first else httpbody_pb2.HttpBody(data=data)
        first = False
    if first:  # an empty file: one message, so the answer still has its content type
        yield httpbody_pb2.HttpBody(content_type=content_type)


class VatReturnServicer(rpc.VatReturnServiceServicer):
    def __init__(self, returns: Returns, versions: Versions):
        self.returns = returns
        self.versions = versions

    async def _generate(self, request, context, request_id: str = "") -> pb.VatReturn:
        choices, given = choices_from(request.choices)
        return await self.returns.generate(request.company_id, request.period, choices, given, request_id, return_message, pb.VatReturn)

    async def CreateVatReturn(self, request, context):
        return await self._generate(request, context, request.request_id)

    async def GenerateVatFiles(self, request, context):
        made = await self._generate(request, context)
        try:
            contents = await self.versions.all_contents(made.id)
        except TooLargeForOneAnswer:
            raise FailedPrecondition(
                f"the return was kept as version {made.version} (id {made.id}), but its files exceed {OLD_ROUTE_LIMIT // 2**20} MiB, "
                f"too much for one answer: download them from /api/companies/{made.company_id}/vat-returns/{made.id}/zip"
            ) from None
        files = {name: base64.b64encode(data).decode("ascii") for name, data in sorted(contents.items())}
        return httpbody_pb2.HttpBody(content_type="application/json", data=json.dumps(files).encode())

    async def ListVatReturns(self, request, context):
        page, token = await self.versions.page(request.company_id, request.period, request.page_size, request.page_token)
        return pb.ListVatReturnsResponse(vat_returns=[return_message(k.row, k.files) for k in page], next_page_token=token)

    async def GetVatReturn(self, request, context):
        kept = await self.versions.get(request.company_id, request.id)
        return return_message(kept.row, kept.files)

    async def DownloadVatFile(self, request, context):
        _, chunks = await self.versions.file(request.company_id, request.id, request.file_name)
        async for message in _download(context, request.file_name, TEXT_TYPE, chunks):
            yield message

    async def DownloadVatArchive(self, request, context):
        name, chunks = await self.versions.archive(request.company_id, request.id)
        async for message in _download(context, name, "application/zip", chunks):
            yield message

    async def CheckVatFiles(self, request, context):
        report = parser.check_files(dict(request.files))
        deklar = report.files.get("DEKLAR.TXT")
        cells = {code: _text(value) for code, value in (deklar.cells.items() if deklar else ()) if value is not None}
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
