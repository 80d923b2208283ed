"""Batches: many files uploaded at once, read one after another in the background. A batch
can be followed, cancelled (a running Tesseract is killed), and one a stop cut short resumes
at start-up.

With several scanner replicas, the process running a batch holds the batch's advisory lock in
PostgreSQL (on a connection of its own) until it is done; a replica starting up resumes only
the batches whose lock nobody holds, i.e. whose process died, never one another replica is
still reading. The lock goes with the connection when a process dies.

A cancel may land on any replica. It marks the batch and its unread files CANCELLED in the
database; the replica reading the batch looks at the batch's state every CANCEL_CHECK_SECONDS
while a file is read and cancels that work when it sees the mark (killing Tesseract), and stops
at the next file anyway, since no file is left queued. Nothing is sent between replicas, so
nothing can be lost: a reader cut off from the database for a while sees the mark when it is back."""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from services.kernel import clients
from services.kernel.auth import current_caller
from services.kernel.errors import NotFound
from services.kernel.fields import parse_uuid
from services.scanner.recognition import Recognition, new_row
from services.scanner.store import ScannedInvoice, ScanSession
from services.scanner.uploads import UploadedFile

log = logging.getLogger(__name__)

# How often the reader of a batch looks whether it was cancelled (one primary-key read).
CANCEL_CHECK_SECONDS = 0.5

DONE = ("PENDING", "APPROVED", "REJECTED", "FAILED", "CANCELLED")
# What a finished file's row writes back (only while the row is still PROCESSING).
_RESULT_COLUMNS = ("status", "direction", "source", "empty_reason", "fields", "line_items", "review_reasons",
                   "vat_checks", "confidence", "tax_base", "vat_amount", "total", "text", "error")  # fmt: skip


class Batches:
    def __init__(self, sessions: async_sessionmaker, recognition: Recognition):
        self.sessions = sessions
        self.recognition = recognition
        self._running: dict[uuid.UUID, asyncio.Task] = {}

    async def start(self, company_id: str, uploads: list[UploadedFile]) -> uuid.UUID:
        session = ScanSession(
            id=uuid.uuid4(), company_id=parse_uuid(company_id, "company_id"), status="PROCESSING", created_by=current_caller().user_id
        )
        async with self.sessions.begin() as db:
            db.add(session)
            await db.flush()
            for position, upload in enumerate(uploads):
                db.add(new_row(company_id, upload, session.id, position))
        # The task inherits this request's context: the caller's token for vies and the ledger.
        self._running[session.id] = asyncio.create_task(self._run(session.id))
        return session.id

    @contextlib.asynccontextmanager
    async def _owned(self, session_id: uuid.UUID, wait: bool) -> AsyncIterator[bool]:
        """Holds the batch's advisory lock while the body runs; yields whether it got it
        (`wait`: waits for it, else gives up at once when another process holds it)."""
        key = {"key": uuid.UUID(str(session_id)).int & (2**63 - 1)}
        async with self.sessions.kw["bind"].connect() as conn:
            if wait:
                await conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
                got = True
            else:
                got = bool((await conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key)).scalar())
            await conn.commit()  # the lock belongs to the connection, not to a transaction
            try:
                yield got
            finally:
                if got:
                    await conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
                    await conn.commit()

    async def _run(self, session_id: uuid.UUID, resume: bool = False) -> None:
        clients.set_deadline(None)  # the batch outlives the request that started it
        try:
            async with self._owned(session_id, wait=not resume) as mine:
                if not mine:
                    return  # another replica is reading it
                if resume:
                    log.info("resuming an interrupted batch", extra={"session_id": str(session_id)})
                    async with self.sessions.begin() as db:  # the files the dead process was reading
                        await db.execute(
                            update(ScannedInvoice)
                            .where(ScannedInvoice.session_id == session_id, ScannedInvoice.status == "PROCESSING")
                            .values(status="QUEUED")
                        )
                await self._read(session_id)
        finally:
            self._running.pop(session_id, None)

    async def _read(self, session_id: uuid.UUID) -> None:
        while True:
            async with self.sessions.begin() as db:
                row = await db.scalar(
                    select(ScannedInvoice)
                    .where(ScannedInvoice.session_id == session_id, ScannedInvoice.status == "QUEUED")
                    .order_by(ScannedInvoice.position)
                    .limit(1)
                    .with_for_update(skip_locked=True)
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
                if not await self._unless_cancelled(session_id, self.recognition.fill(row, upload)):
                    break  # cancelled elsewhere: its files are marked already
            except Exception as exc:  # one bad file must not stop the batch
                log.exception("recognition failed")
                row.status, row.error = "FAILED", f"could not be read ({type(exc).__name__})"
            async with self.sessions.begin() as db:
                # Only if still PROCESSING: a cancel in the meantime wins.
                values = {c: getattr(row, c) for c in _RESULT_COLUMNS}
                await db.execute(
                    update(ScannedInvoice).where(ScannedInvoice.id == row_id, ScannedInvoice.status == "PROCESSING").values(**values)
                )
        async with self.sessions.begin() as db:
            await db.execute(
                update(ScanSession)
                .where(ScanSession.id == session_id, ScanSession.status == "PROCESSING")
                .values(status="COMPLETED", completed_at=func.now())
            )

    async def _unless_cancelled(self, session_id: uuid.UUID, work: Coroutine[Any, Any, None]) -> bool:
        """Runs `work` to its end (True), or stops it once the batch is cancelled (False)."""
        task = asyncio.ensure_future(work)
        try:
            while not (await asyncio.wait({task}, timeout=CANCEL_CHECK_SECONDS))[0]:
                if await self._cancelled(session_id):
                    log.info("the batch was cancelled: its reading stops", extra={"session_id": str(session_id)})
                    return False
            task.result()
            return True
        finally:  # cancelled elsewhere, or this task cancelled (a stop, a cancel here): the work too
            if not task.done():
                task.cancel()  # kills a running Tesseract
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _cancelled(self, session_id: uuid.UUID) -> bool:
        try:
            async with self.sessions() as db:
                return await db.scalar(select(ScanSession.status).where(ScanSession.id == session_id)) == "CANCELLED"
        except Exception as exc:  # the database away for a moment: the file is read on, checked again later
            log.warning("could not check whether the batch was cancelled (%s)", type(exc).__name__)
            return False

    async def get(self, company_id: str, session_id: str):
        async with self.sessions() as db:
            session = await db.get(ScanSession, parse_uuid(session_id))
            if session is None or str(session.company_id) != company_id:
                raise NotFound(f"scan session {session_id} not found")
            rows = (
                await db.scalars(select(ScannedInvoice).where(ScannedInvoice.session_id == session.id).order_by(ScannedInvoice.position))
            ).all()
        return session, list(rows)

    async def list(self, company_id: str, limit: int, before: tuple | None):
        async with self.sessions() as db:
            query = select(ScanSession).where(ScanSession.company_id == parse_uuid(company_id, "company_id"))
            if before:
                query = query.where(tuple_(ScanSession.created_at, ScanSession.id) < before)
            sessions = (await db.scalars(query.order_by(ScanSession.created_at.desc(), ScanSession.id.desc()).limit(limit + 1))).all()
            ids = [s.id for s in sessions]
            counts = (
                await db.execute(
                    select(ScannedInvoice.session_id, ScannedInvoice.status, func.count())
                    .where(ScannedInvoice.session_id.in_(ids))
                    .group_by(ScannedInvoice.session_id, ScannedInvoice.status)
                )
            ).all()
        return list(sessions), counts

    async def cancel(self, company_id: str, session_id: str):
        session, _ = await self.get(company_id, session_id)
        task = self._running.get(session.id)
        if task is not None:
            task.cancel()  # kills a running Tesseract too
            with contextlib.suppress(asyncio.CancelledError):
                await task
        async with self.sessions.begin() as db:
            await db.execute(
                update(ScannedInvoice)
                .where(ScannedInvoice.session_id == session.id, ScannedInvoice.status.in_(("QUEUED", "PROCESSING")))
                .values(status="CANCELLED", error="the batch was cancelled")
            )
            await db.execute(
                update(ScanSession)
                .where(ScanSession.id == session.id, ScanSession.status == "PROCESSING")
                .values(status="CANCELLED", completed_at=func.now())
            )
        return await self.get(company_id, session_id)

    async def resume_interrupted(self) -> None:
        """Batches a stop cut short carry on at start-up: their files are read again. The
        person who started them is not here to ask the ledger and VIES on their behalf; those
        files then wait for review with the reason (direction unknown, VAT check failed). A
        batch another replica is reading is left to it (see the module's note)."""
        async with self.sessions() as db:
            unfinished = (await db.scalars(select(ScanSession.id).where(ScanSession.status == "PROCESSING"))).all()
        for session_id in unfinished:
            self._running[session_id] = asyncio.create_task(self._run(session_id, resume=True))

    async def stop(self) -> None:
        for task in list(self._running.values()):
            task.cancel()
