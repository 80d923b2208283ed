"""One uploaded file read into a scanned invoice: its words (text layer, OCR, or Azure where
the company chose it), the fields found in them, the direction (is the company the supplier or
the recipient?) and the VAT numbers checked with VIES."""

import uuid
from dataclasses import asdict
from decimal import Decimal

from services.kernel.auth import current_caller
from services.kernel.errors import InvalidArgument, ServiceError
from services.kernel.fields import parse_uuid
from services.scanner import azure, extraction, line_items, peers, reading
from services.scanner.company_settings import CompanySettings
from services.scanner.extraction import Extraction
from services.scanner.store import ScannedInvoice
from services.scanner.uploads import UploadedFile


class Recognition:
    def __init__(self, settings: CompanySettings):
        self.settings = settings

    async def recognise(self, company_id: str, upload: UploadedFile, company: tuple[str, str] = ("", "")) -> tuple[Extraction, str]:
        """The fields of one file and its text. Raises UnreadableFile for non-documents."""
        kind = reading.sniff(upload.data)
        settings = await self.settings.get(company_id)
        if settings.engine == "azure" and settings.azure_endpoint and settings.azure_key:
            content_type = reading.CONTENT_TYPES[kind]
            result = await azure.recognise(settings.azure_endpoint, settings.azure_key, upload.data, content_type)
            reading.PAGES.labels("azure").inc(result.pages)
            return result, ""
        document = await reading.read(upload.data, line_items.TABLES)
        return extraction.extract(document, *company), document.text

    async def fill(self, row: ScannedInvoice, upload: UploadedFile) -> None:
        """Recognises `upload` into `row` (status PENDING, or FAILED with the reason)."""
        try:
            company, company_unknown = await peers.company_ids(str(row.company_id)), ""
        except ServiceError as exc:  # read the file all the same; a person sets the direction
            company, company_unknown = ("", ""), exc.message
        try:
            result, text = await self.recognise(str(row.company_id), upload, company)
        except ServiceError as exc:
            row.status, row.error = "FAILED", exc.message
            return
        row.direction = extraction.direction(result, *company)
        if company_unknown:
            result.review_reasons.append(f"{company_unknown}: set the direction")
        elif row.direction == "UNKNOWN" and result.source != "none":
            result.review_reasons.append("the company is neither the supplier nor the recipient: set the direction")
        row.vat_checks = await peers.vat_checks(result.fields)
        row.source, row.empty_reason, row.text = result.source, result.empty_reason, text
        set_fields(row, {name: asdict(found) for name, found in result.fields.items()}, result.review_reasons)
        row.line_items = [asdict(item) for item in result.line_items]
        row.status = "PENDING"


def new_row(company_id: str, upload: UploadedFile, session_id=None, position=0) -> ScannedInvoice:
    return ScannedInvoice(
        id=uuid.uuid4(),
        company_id=parse_uuid(company_id, "company_id"),
        session_id=session_id,
        position=position,
        file_name=upload.name,
        content_type=_content_type(upload),
        file_size=len(upload.data),
        file_data=upload.data,
        status="QUEUED",
        direction="UNKNOWN",
        fields={},
        line_items=[],
        review_reasons=[],
        vat_checks=[],
        created_by=current_caller().user_id,
    )


def _content_type(upload: UploadedFile) -> str:
    try:
        return reading.CONTENT_TYPES[reading.sniff(upload.data)]
    except InvalidArgument:
        return (upload.content_type or "application/octet-stream")[:100]


def set_fields(row: ScannedInvoice, fields: dict[str, dict], reasons: list[str]) -> None:
    row.fields = fields
    row.review_reasons = reasons
    confidences = [fields[n]["confidence"] if n in fields else 0.0 for n in extraction.REQUIRED]
    row.confidence = Decimal(str(round(min(confidences), 3)))
    for name in ("tax_base", "vat_amount", "total"):
        setattr(row, name, Decimal(fields[name]["value"]) if name in fields and fields[name]["value"] else None)
