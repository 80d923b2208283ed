"""The scanner's servicers: proto <-> the scanner's aggregates (invoices, batches, settings,
approvals), nothing else. Every RPC is company-scoped and
checks the caller's grant for the company before anything else."""

import uuid
from datetime import datetime

from baraba.scanner.v1 import scanner_pb2 as pb
from baraba.scanner.v1 import scanner_pb2_grpc as rpc
from google.api import httpbody_pb2
from google.protobuf import empty_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from services.kernel import paging
from services.kernel.errors import InvalidArgument
from services.kernel.fields import timestamp
from services.scanner.approval import Approvals
from services.scanner.batches import DONE, Batches
from services.scanner.company_settings import CompanySettings
from services.scanner.invoices import Invoices
from services.scanner.store import ScannedInvoice, ScanSession
from services.scanner.uploads import files_of

# The contract's enum value names by the stored status (protobuf takes an enum value by name).
STATUS = {name.removeprefix("INVOICE_STATUS_"): name for name, _ in pb.InvoiceStatus.items()}
SESSION_STATUS = {name.removeprefix("SESSION_STATUS_"): name for name, _ in pb.SessionStatus.items()}
DIRECTION = {"PURCHASE": pb.DIRECTION_PURCHASE, "SALE": pb.DIRECTION_SALE}


def invoice_message(row: ScannedInvoice) -> pb.ScannedInvoice:
    fields = row.fields or {}
    evidence = []
    for name in pb.InvoiceFields.DESCRIPTOR.fields_by_name:
        if name in fields:
            f = fields[name]
            x0, y0, x1, y1 = f.get("box") or (0, 0, 0, 0)
            evidence.append(
                pb.FieldEvidence(
                    field=name,
                    value=f["value"],
                    confidence=f["confidence"],
                    source=f["source"],
                    page=f.get("page", 0),
                    x0=x0,
                    y0=y0,
                    x1=x1,
                    y1=y1,
                    text=f.get("text", ""),
                )
            )
    return pb.ScannedInvoice(
        id=str(row.id),
        company_id=str(row.company_id),
        session_id=str(row.session_id or ""),
        file_name=row.file_name,
        content_type=row.content_type,
        file_size=row.file_size,
        status=STATUS[row.status],
        direction=DIRECTION.get(row.direction, pb.DIRECTION_UNSPECIFIED),
        source=row.source,
        empty_reason=row.empty_reason,
        fields=pb.InvoiceFields(**{name: f["value"] for name, f in fields.items() if name in pb.InvoiceFields.DESCRIPTOR.fields_by_name}),
        evidence=evidence,
        confidence=float(row.confidence or 0),
        requires_review=bool(row.review_reasons),
        review_reasons=row.review_reasons or [],
        vat_checks=[
            pb.VatCheck(
                vat_number=c["vat_number"],
                party=c["party"],
                status=c["status"],
                name=c.get("name", ""),
                address=c.get("address", ""),
                error=c.get("error", ""),
                checked_at=_iso_ts(c.get("checked_at")),
            )
            for c in row.vat_checks or []
        ],
        journal_entry_id=row.journal_entry_id,
        counterpart_id=row.counterpart_id,
        reject_reason=row.reject_reason,
        error=row.error,
        created_at=timestamp(row.created_at),
        updated_at=timestamp(row.updated_at),
        line_items=[pb.LineItem(**item) for item in row.line_items or []],
    )


def _iso_ts(value: str | None) -> Timestamp | None:
    return timestamp(datetime.fromisoformat(value)) if value else None


def session_message(session: ScanSession, statuses: list[str], rows: list[ScannedInvoice] | None = None) -> pb.ScanSession:
    total = len(statuses)
    done = sum(s in DONE for s in statuses)
    return pb.ScanSession(
        id=str(session.id),
        company_id=str(session.company_id),
        status=SESSION_STATUS[session.status],
        total_files=total,
        done_files=done,
        failed_files=sum(s == "FAILED" for s in statuses),
        progress_percent=100 if total == 0 else done * 100 // total,
        invoices=[invoice_message(r) for r in rows or []],
        created_at=timestamp(session.created_at),
        completed_at=timestamp(session.completed_at),
    )


class ScanServicer(rpc.ScanServiceServicer):
    def __init__(self, invoices: Invoices, batches: Batches, settings: CompanySettings, max_upload_bytes: int):
        self.invoices = invoices
        self.batches = batches
        self.settings = settings
        self.max_bytes = max_upload_bytes

    async def ScanInvoice(self, request, context):
        uploads = files_of(request.file.content_type, request.file.data, request.file_name, self.max_bytes)
        if len(uploads) != 1:
            raise InvalidArgument.field("file", f"one file per scan ({len(uploads)} sent): use /api/scan/batch for several")
        return invoice_message(await self.invoices.scan(request.company_id, uploads[0]))

    async def StartScanSession(self, request, context):
        uploads = files_of(request.files.content_type, request.files.data, "", self.max_bytes)
        session_id = await self.batches.start(request.company_id, uploads)
        return await self._session(request.company_id, str(session_id))

    async def _session(self, company_id: str, session_id: str) -> pb.ScanSession:
        session, rows = await self.batches.get(company_id, session_id)
        return session_message(session, [r.status for r in rows], rows)

    async def GetScanSession(self, request, context):
        return await self._session(request.company_id, request.id)

    async def ListScanSessions(self, request, context):
        size = paging.page_size(request.page_size)
        sessions, counts = await self.batches.list(
            request.company_id, size, paging.decode_token(request.page_token, datetime.fromisoformat, uuid.UUID)
        )
        page, token = paging.next_page(sessions, size, lambda s: (s.created_at.isoformat(), s.id))
        statuses: dict = {}
        for session_id, status, count in counts:
            statuses.setdefault(session_id, []).extend([status] * count)
        return pb.ListScanSessionsResponse(scan_sessions=[session_message(s, statuses.get(s.id, [])) for s in page], next_page_token=token)

    async def CancelScanSession(self, request, context):
        session, rows = await self.batches.cancel(request.company_id, request.id)
        return session_message(session, [r.status for r in rows], rows)

    async def GetRecognitionSettings(self, request, context):
        return _settings_message(await self.settings.get(request.company_id))

    async def UpdateRecognitionSettings(self, request, context):
        return _settings_message(
            await self.settings.update(request.company_id, request.engine or "local", request.azure_endpoint, request.azure_key)
        )


def _settings_message(row) -> pb.RecognitionSettings:
    return pb.RecognitionSettings(
        company_id=str(row.company_id), engine=row.engine, azure_endpoint=row.azure_endpoint, azure_key_set=bool(row.azure_key)
    )


class ScannedInvoiceServicer(rpc.ScannedInvoiceServiceServicer):
    def __init__(self, invoices: Invoices, approvals: Approvals):
        self.invoices = invoices
        self.approvals = approvals

    async def ListScannedInvoices(self, request, context):
        size = paging.page_size(request.page_size)
        status = pb.InvoiceStatus.Name(request.status).removeprefix("INVOICE_STATUS_") if request.status else ""
        before = paging.decode_token(request.page_token, datetime.fromisoformat, uuid.UUID)
        rows = await self.invoices.list(request.company_id, status, size, before)
        page, token = paging.next_page(rows, size, lambda r: (r.created_at.isoformat(), r.id))
        return pb.ListScannedInvoicesResponse(scanned_invoices=[invoice_message(r) for r in page], next_page_token=token)

    async def GetScannedInvoice(self, request, context):
        return invoice_message(await self.invoices.get(request.company_id, request.id))

    async def GetNextPendingInvoice(self, request, context):
        return invoice_message(await self.invoices.next_pending(request.company_id, request.current_id))

    async def UpdateScannedInvoice(self, request, context):
        corrections = {f.name: value for f, value in request.fields.ListFields()}
        direction = {pb.DIRECTION_PURCHASE: "PURCHASE", pb.DIRECTION_SALE: "SALE"}.get(request.direction, "")
        items = None
        if request.HasField("line_items"):
            items = [{f: getattr(item, f) for f in ("description", "quantity", "unit", "unit_price", "amount", "vat_rate")}
                     for item in request.line_items.items]  # fmt: skip
        return invoice_message(await self.invoices.correct(request.company_id, request.id, corrections, direction, items))

    async def CheckScannedInvoiceVat(self, request, context):
        return invoice_message(await self.invoices.recheck_vat(request.company_id, request.id))

    async def RejectScannedInvoice(self, request, context):
        return invoice_message(await self.invoices.reject(request.company_id, request.id, request.reason))

    async def ApproveScannedInvoice(self, request, context):
        return invoice_message(await self.approvals.approve(request.company_id, request.id, request.account_code))

    async def DeleteScannedInvoice(self, request, context):
        await self.invoices.delete(request.company_id, request.id)
        return empty_pb2.Empty()

    async def DownloadOriginal(self, request, context):
        row = await self.invoices.get(request.company_id, request.id, with_file=True)
        return httpbody_pb2.HttpBody(content_type=row.content_type, data=row.file_data)
