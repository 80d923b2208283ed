"""The scanner's rules: recognise uploads, keep them for review, run batches in the
background, check VAT numbers with VIES, and book approved invoices in the ledger."""

import asyncio
import logging
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal

import grpc
from baraba.ledger.v1 import ledger_pb2, ledger_pb2_grpc
from baraba.vies.v1 import vies_pb2, vies_pb2_grpc
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from services.kernel import clients
from services.kernel.auth import current_caller
from services.kernel.errors import FailedPrecondition, InvalidArgument, NotFound, ServiceError, Unavailable
from services.kernel.fields import parse_uuid
from services.scanner import azure, booking, extraction, reading
from services.scanner.extraction import Extraction, Found
from services.scanner.store import RecognitionSettings, ScannedInvoice, ScanSession
from services.scanner.uploads import UploadedFile

log = logging.getLogger(__name__)

DONE = ("PENDING", "APPROVED", "REJECTED", "FAILED", "CANCELLED")
LEDGER_TIMEOUT = 10.0


class Scanner:
    def __init__(self, sessions: async_sessionmaker):
        self.sessions = sessions
        self._batches: dict[uuid.UUID, asyncio.Task] = {}

    # --- recognition ----------------------------------------------------------------------

    async def recognise(self, company_id: str, upload: UploadedFile) -> tuple[Extraction, str]:
        """The fields of one file and its text. Raises UnreadableFile for non-documents."""
        kind = reading.sniff(upload.data)
        settings = await self.settings(company_id)
        if settings.engine == "azure" and settings.azure_endpoint and settings.azure_key:
            content_type = reading.CONTENT_TYPES[kind]
            return await azure.recognise(settings.azure_endpoint, settings.azure_key, upload.data, content_type), ""
        document = await reading.read(upload.data)
        return extraction.extract(document), document.text

    async def _company_ids(self, company_id: str) -> tuple[str, str]:
        """The company's ЕИК and VAT number from the ledger ("" when the ledger cannot say)."""
        try:
            stub = clients.stub(ledger_pb2_grpc.CompanyServiceStub, "ledger")
            company = await stub.GetCompany(ledger_pb2.GetCompanyRequest(company_id=company_id), **clients.call_options())
            return company.eik, company.vat_number
        except grpc.RpcError as exc:
            log.warning("could not read the company from the ledger: %s", exc.code())
            return "", ""

    async def _vat_checks(self, fields: dict[str, Found]) -> list[dict]:
        checks = []
        stub = clients.stub(vies_pb2_grpc.ViesServiceStub, "vies")
        for party in ("supplier", "recipient"):
            number = fields.get(f"{party}_vat_number")
            if number is None or not number.value:
                continue
            check = {"vat_number": number.value, "party": party, "status": "ERROR", "name": "", "address": "", "error": ""}
            try:
                answer = await stub.CheckVatNumber(vies_pb2.CheckVatNumberRequest(vat_number=number.value), **clients.call_options())
                check.update(status="VALID" if answer.valid else "INVALID", name=answer.name, address=answer.address)
                check["checked_at"] = answer.checked_at.ToDatetime(UTC).isoformat() if answer.HasField("checked_at") else _now()
            except grpc.RpcError as exc:
                invalid = exc.code() == grpc.StatusCode.INVALID_ARGUMENT
                check.update(status="INVALID" if invalid else "ERROR", error=exc.details() or exc.code().name, checked_at=_now())
            checks.append(check)
        return checks

    async def _fill(self, row: ScannedInvoice, upload: UploadedFile) -> None:
        """Recognises `upload` into `row` (status PENDING, or FAILED with the reason)."""
        try:
            result, text = await self.recognise(str(row.company_id), upload)
        except ServiceError as exc:
            row.status, row.error = "FAILED", exc.message
            return
        eik, vat = await self._company_ids(str(row.company_id))
        row.direction = extraction.direction(result, eik, vat)
        if row.direction == "UNKNOWN" and result.source != "none":
            result.review_reasons.append("the company is neither the supplier nor the recipient: set the direction")
        row.vat_checks = await self._vat_checks(result.fields)
        row.source, row.empty_reason, row.text = result.source, result.empty_reason, text
        _set_fields(row, {name: asdict(found) for name, found in result.fields.items()}, result.review_reasons)
        row.status = "PENDING"

    # --- single uploads ---------------------------------------------------------------------

    async def scan(self, company_id: str, upload: UploadedFile) -> ScannedInvoice:
        reading.sniff(upload.data)  # refuse non-documents before anything is kept
        row = self._new_row(company_id, upload)
        await self._fill(row, upload)
        if row.status == "FAILED":
            raise InvalidArgument.field("file", row.error)
        async with self.sessions.begin() as db:
            db.add(row)
        return row

    def _new_row(self, company_id: str, upload: UploadedFile, session_id=None, position=0) -> ScannedInvoice:
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
            review_reasons=[],
            vat_checks=[],
            created_by=current_caller().user_id,
        )

    # --- batches ----------------------------------------------------------------------------

    async def start_session(self, company_id: str, uploads: list[UploadedFile]) -> uuid.UUID:
        session = ScanSession(id=uuid.uuid4(), company_id=parse_uuid(company_id, "company_id"), status="PROCESSING", created_by=current_caller().user_id)
        async with self.sessions.begin() as db:
            db.add(session)
            await db.flush()
            for position, upload in enumerate(uploads):
                db.add(self._new_row(company_id, upload, session.id, position))
        # The task inherits this request's context: the caller's token for vies and the ledger.
        self._batches[session.id] = asyncio.create_task(self._run_session(session.id))
        return session.id

    async def _run_session(self, session_id: uuid.UUID) -> None:
        try:
            while True:
                async with self.sessions.begin() as db:
                    row = await db.scalar(
                        select(ScannedInvoice).where(ScannedInvoice.session_id == session_id, ScannedInvoice.status == "QUEUED")
                        .order_by(ScannedInvoice.position).limit(1).with_for_update(skip_locked=True)
                    )
                    if row is None:
                        break
                    row.status = "PROCESSING"
                    data = (await db.execute(select(ScannedInvoice.file_data).where(ScannedInvoice.id == row.id))).scalar_one()
                    upload = UploadedFile(row.file_name, row.content_type, data)
                    row_id = row.id
                async with self.sessions() as db:
                    row = await db.get(ScannedInvoice, row_id)
                row.text = ""
                try:
                    await self._fill(row, upload)
                except Exception as exc:  # one bad file must not stop the batch
                    log.exception("recognition failed")
                    row.status, row.error = "FAILED", f"could not be read ({type(exc).__name__})"
                async with self.sessions.begin() as db:
                    # Only if still PROCESSING: a cancel in the meantime wins.
                    values = {c: getattr(row, c) for c in ("status", "direction", "source", "empty_reason", "fields", "review_reasons",
                                                           "vat_checks", "confidence", "tax_base", "vat_amount", "total", "text", "error")}
                    await db.execute(update(ScannedInvoice).where(ScannedInvoice.id == row_id, ScannedInvoice.status == "PROCESSING").values(**values))
            async with self.sessions.begin() as db:
                await db.execute(update(ScanSession).where(ScanSession.id == session_id, ScanSession.status == "PROCESSING")
                                 .values(status="COMPLETED", completed_at=func.now()))
        finally:
            self._batches.pop(session_id, None)

    async def session(self, company_id: str, session_id: str, with_invoices: bool = True):
        async with self.sessions() as db:
            session = await db.get(ScanSession, parse_uuid(session_id))
            if session is None or str(session.company_id) != company_id:
                raise NotFound(f"scan session {session_id} not found")
            rows = (await db.scalars(select(ScannedInvoice).where(ScannedInvoice.session_id == session.id).order_by(ScannedInvoice.position))).all()
        return session, list(rows)

    async def list_sessions(self, company_id: str, limit: int, before: tuple | None):
        async with self.sessions() as db:
            query = select(ScanSession).where(ScanSession.company_id == parse_uuid(company_id, "company_id"))
            if before:
                query = query.where(tuple_(ScanSession.created_at, ScanSession.id) < before)
            sessions = (await db.scalars(query.order_by(ScanSession.created_at.desc(), ScanSession.id.desc()).limit(limit + 1))).all()
            ids = [s.id for s in sessions]
            counts = (await db.execute(select(ScannedInvoice.session_id, ScannedInvoice.status, func.count())
                                       .where(ScannedInvoice.session_id.in_(ids)).group_by(ScannedInvoice.session_id, ScannedInvoice.status))).all()
        return list(sessions), counts

    async def cancel_session(self, company_id: str, session_id: str):
        session, _ = await self.session(company_id, session_id)
        task = self._batches.get(session.id)
        if task is not None:
            task.cancel()  # kills a running Tesseract too
            try:
                await task
            except asyncio.CancelledError:
                pass
        async with self.sessions.begin() as db:
            await db.execute(update(ScannedInvoice).where(ScannedInvoice.session_id == session.id, ScannedInvoice.status.in_(("QUEUED", "PROCESSING")))
                             .values(status="CANCELLED", error="the batch was cancelled"))
            await db.execute(update(ScanSession).where(ScanSession.id == session.id, ScanSession.status == "PROCESSING")
                             .values(status="CANCELLED", completed_at=func.now()))
        return await self.session(company_id, session_id)

    async def resume_interrupted(self) -> None:
        """Batches a stop cut short carry on at start-up: their files are read again. The
        person who started them is not here to ask the ledger and VIES on their behalf; those
        files then wait for review with the reason (direction unknown, VAT check failed)."""
        async with self.sessions.begin() as db:
            await db.execute(
                update(ScannedInvoice)
                .where(ScannedInvoice.session_id.is_not(None), ScannedInvoice.status == "PROCESSING")
                .values(status="QUEUED")
            )
            interrupted = (await db.scalars(select(ScanSession.id).where(ScanSession.status == "PROCESSING"))).all()
        for session_id in interrupted:
            log.info("resuming an interrupted batch", extra={"session_id": str(session_id)})
            self._batches[session_id] = asyncio.create_task(self._run_session(session_id))

    async def stop(self) -> None:
        for task in list(self._batches.values()):
            task.cancel()

    # --- review -------------------------------------------------------------------------------

    async def get(self, company_id: str, invoice_id: str, with_file: bool = False) -> ScannedInvoice:
        async with self.sessions() as db:
            query = select(ScannedInvoice).where(ScannedInvoice.id == parse_uuid(invoice_id), ScannedInvoice.company_id == parse_uuid(company_id, "company_id"))
            if with_file:
                from sqlalchemy.orm import undefer

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
            return list((await db.scalars(query.order_by(ScannedInvoice.created_at.desc(), ScannedInvoice.id.desc()).limit(limit + 1))).all())

    async def next_pending(self, company_id: str, current_id: str) -> ScannedInvoice:
        query = select(ScannedInvoice).where(ScannedInvoice.company_id == parse_uuid(company_id, "company_id"), ScannedInvoice.status == "PENDING")
        if current_id:
            query = query.where(ScannedInvoice.id != parse_uuid(current_id, "current_id"))
        async with self.sessions() as db:
            row = await db.scalar(query.order_by(ScannedInvoice.created_at, ScannedInvoice.id).limit(1))
        if row is None:
            raise NotFound("no scanned invoice awaits review")
        return row

    async def _change(self, company_id: str, invoice_id: str, change, allowed=("PENDING",)) -> ScannedInvoice:
        async with self.sessions.begin() as db:
            row = await db.scalar(
                select(ScannedInvoice).where(ScannedInvoice.id == parse_uuid(invoice_id), ScannedInvoice.company_id == parse_uuid(company_id, "company_id"))
                .with_for_update()
            )
            if row is None:
                raise NotFound(f"scanned invoice {invoice_id} not found")
            if row.status not in allowed:
                raise FailedPrecondition(f"the scanned invoice is {row.status.lower()}; this needs it {' or '.join(a.lower() for a in allowed)}",
                                         reason="WRONG_STATUS")
            await change(row)
        return row

    async def correct(self, company_id: str, invoice_id: str, corrections: dict[str, str], direction: str) -> ScannedInvoice:
        async def change(row):
            fields = dict(row.fields)
            for name, value in corrections.items():
                fields[name] = asdict(Found(value, 1.0, "manual"))
            reasons = _reasons_after_correction(fields)
            _set_fields(row, fields, reasons)
            if direction:
                row.direction = direction

        return await self._change(company_id, invoice_id, change)

    async def reject(self, company_id: str, invoice_id: str, reason: str) -> ScannedInvoice:
        async def change(row):
            row.status, row.reject_reason = "REJECTED", reason

        return await self._change(company_id, invoice_id, change)

    async def recheck_vat(self, company_id: str, invoice_id: str) -> ScannedInvoice:
        row = await self.get(company_id, invoice_id)
        checks = await self._vat_checks({n: Found(**f) for n, f in row.fields.items()})

        async def change(r):
            r.vat_checks = checks

        return await self._change(company_id, invoice_id, change, allowed=("PENDING", "APPROVED", "REJECTED"))

    async def delete(self, company_id: str, invoice_id: str) -> None:
        async with self.sessions.begin() as db:
            row = await db.scalar(select(ScannedInvoice).where(ScannedInvoice.id == parse_uuid(invoice_id), ScannedInvoice.company_id == parse_uuid(company_id, "company_id")).with_for_update())
            if row is None:
                raise NotFound(f"scanned invoice {invoice_id} not found")
            if row.status == "APPROVED":
                raise FailedPrecondition("an approved invoice stays: its journal entry is in the ledger", reason="WRONG_STATUS")
            if row.status in ("QUEUED", "PROCESSING"):
                raise FailedPrecondition("the invoice is still being read: cancel its batch first", reason="WRONG_STATUS")
            await db.delete(row)

    # --- settings ---------------------------------------------------------------------------

    async def settings(self, company_id: str) -> RecognitionSettings:
        async with self.sessions() as db:
            found = await db.get(RecognitionSettings, parse_uuid(company_id, "company_id"))
        return found or RecognitionSettings(company_id=parse_uuid(company_id, "company_id"), engine="local", azure_endpoint="", azure_key="")

    async def update_settings(self, company_id: str, engine: str, endpoint: str, key: str) -> RecognitionSettings:
        async with self.sessions.begin() as db:
            row = await db.get(RecognitionSettings, parse_uuid(company_id, "company_id"), with_for_update=True)
            if row is None:
                row = RecognitionSettings(company_id=parse_uuid(company_id, "company_id"), azure_key="")
                db.add(row)
            row.engine, row.azure_endpoint = engine, endpoint
            if key:
                row.azure_key = key
            if engine == "azure" and not (row.azure_endpoint and row.azure_key):
                raise InvalidArgument.field("azure_endpoint", "Azure needs an endpoint and a key")
        return row

    # --- approval -----------------------------------------------------------------------------

    async def approve(self, company_id: str, invoice_id: str, account_code: str) -> ScannedInvoice:
        row = await self.get(company_id, invoice_id)
        if row.status == "APPROVED":
            return row  # approving twice books once
        if row.status != "PENDING":
            raise FailedPrecondition(f"the scanned invoice is {row.status.lower()}; only a pending one can be approved", reason="WRONG_STATUS")
        values = {name: f["value"] for name, f in row.fields.items()}
        company = await self._ledger(ledger_pb2_grpc.CompanyServiceStub, "GetCompany", ledger_pb2.GetCompanyRequest(company_id=company_id))
        accounts = await self._accounts(company, row.direction, account_code)
        entry = booking.entry_for(values, row.direction, accounts)  # checks completeness before anything is created
        counterpart_id = await self._counterpart(company_id, str(row.id), values, row.direction)
        created = await self._ledger(ledger_pb2_grpc.JournalEntryServiceStub, "CreateJournalEntry", ledger_pb2.CreateJournalEntryRequest(
            company_id=company_id,
            request_id=booking.request_id(str(row.id), "journal-entry"),
            journal_entry=ledger_pb2.JournalEntryInput(
                document_type=entry.document_type, document_number=entry.document_number, document_date=entry.document_date,
                vat_date=entry.vat_date, description=entry.description, counterpart_id=counterpart_id, currency=entry.currency,
                purchase_operation=entry.purchase_operation, sales_operation=entry.sales_operation,
                tax_base=str(entry.tax_base), vat_amount=str(entry.vat_amount), vat_rate=str(entry.vat_rate),
                lines=[ledger_pb2.EntryLineInput(account_id=ln.account_id, debit=str(ln.debit), credit=str(ln.credit),
                                                 description=ln.description, counterpart_id=counterpart_id) for ln in entry.lines],
            ),
        ))

        async def change(r):
            r.status, r.journal_entry_id, r.counterpart_id = "APPROVED", created.id, counterpart_id

        try:
            return await self._change(company_id, invoice_id, change)
        except FailedPrecondition:
            return await self.get(company_id, invoice_id)  # approved meanwhile by a parallel call: same entry

    async def _ledger(self, stub_class, method: str, request):
        try:
            return await getattr(clients.stub(stub_class, "ledger"), method)(request, **clients.call_options(LEDGER_TIMEOUT))
        except grpc.RpcError as exc:
            if exc.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND):
                raise FailedPrecondition(f"the ledger refused the booking: {exc.details()}", reason="LEDGER_REFUSED") from None
            raise Unavailable(f"the ledger could not be reached ({exc.code().name})", reason="LEDGER_UNAVAILABLE") from None

    async def _accounts(self, company, direction: str, account_code: str) -> booking.Accounts:
        if direction == "PURCHASE":
            accounts = booking.Accounts(company.suppliers_account_id, company.vat_receivable_account_id, company.expenses_account_id)
        elif direction == "SALE":
            accounts = booking.Accounts(company.customers_account_id, company.vat_payable_account_id, company.revenues_account_id)
        else:
            raise FailedPrecondition("set the direction (purchase or sale) before approving", reason="INCOMPLETE_INVOICE")
        if account_code:
            if account_code[0] != ("6" if direction == "PURCHASE" else "7"):
                raise InvalidArgument.field("account_code", "a purchase books to a 6xx expense account, a sale to a 7xx revenue account")
            found = await self._ledger(ledger_pb2_grpc.AccountServiceStub, "ListAccounts",
                                       ledger_pb2.ListAccountsRequest(company_id=company.id, code_prefix=account_code, page_size=50))
            match = next((a for a in found.accounts if a.code == account_code), None)
            if match is None:
                raise InvalidArgument.field("account_code", f"the company has no account {account_code}")
            accounts = booking.Accounts(accounts.counterparty, accounts.vat, match.id)
        if not all((accounts.counterparty, accounts.vat, accounts.expense_or_revenue)):
            raise FailedPrecondition("the company's default accounts are not set in the ledger", reason="NO_DEFAULT_ACCOUNTS")
        return accounts

    async def _counterpart(self, company_id: str, invoice_id: str, values: dict[str, str], direction: str) -> str:
        role = "supplier" if direction == "PURCHASE" else "recipient"
        eik, vat, name = values.get(f"{role}_eik", ""), values.get(f"{role}_vat_number", ""), values.get(f"{role}_name", "")
        for q in (vat, eik):
            if not q:
                continue
            found = await self._ledger(ledger_pb2_grpc.CounterpartServiceStub, "SearchCounterparts",
                                       ledger_pb2.SearchCounterpartsRequest(company_id=company_id, q=q, page_size=20))
            for c in found.counterparts:
                if (eik and c.eik == eik) or (vat and c.vat_number == vat):
                    return c.id
        if not name:
            raise FailedPrecondition(f"the {role}'s name is missing", reason="INCOMPLETE_INVOICE")
        created = await self._ledger(ledger_pb2_grpc.CounterpartServiceStub, "CreateCounterpart", ledger_pb2.CreateCounterpartRequest(
            company_id=company_id,
            request_id=booking.request_id(invoice_id, "counterpart"),
            counterpart=ledger_pb2.CounterpartInput(
                name=name, eik=eik, vat_number=vat, country=(vat[:2] if vat else "BG"), is_supplier=role == "supplier",
                is_customer=role == "recipient", is_vat_registered=bool(vat),
                **({"iban": values["iban"]} if role == "supplier" and values.get("iban") else {}),
            ),
        ))
        return created.id


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _content_type(upload: UploadedFile) -> str:
    try:
        return reading.CONTENT_TYPES[reading.sniff(upload.data)]
    except InvalidArgument:
        return (upload.content_type or "application/octet-stream")[:100]


def _set_fields(row: ScannedInvoice, fields: dict[str, dict], reasons: list[str]) -> None:
    row.fields = fields
    row.review_reasons = reasons
    confidences = [fields[n]["confidence"] if n in fields else 0.0 for n in extraction.REQUIRED]
    row.confidence = Decimal(str(round(min(confidences), 3)))
    for name in ("tax_base", "vat_amount", "total"):
        setattr(row, name, Decimal(fields[name]["value"]) if name in fields and fields[name]["value"] else None)


def _reasons_after_correction(fields: dict[str, dict]) -> list[str]:
    probe = Extraction(source="manual", fields={n: Found(**f) for n, f in fields.items()})
    extraction._review(probe)
    return probe.review_reasons
