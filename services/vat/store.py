"""VAT's database: every generated return (a version per company and period) with its files
byte for byte, its cells and totals, and who generated it when."""

import struct
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import IO

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, Numeric, String, UniqueConstraint, func, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class VatReturn(Base):
    __tablename__ = "vat_returns"
    __table_args__ = (
        UniqueConstraint("company_id", "period", "version"),
        UniqueConstraint("company_id", "request_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    company_id: Mapped[uuid.UUID] = mapped_column(index=True)
    period: Mapped[str] = mapped_column(String(6))
    version: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    cells: Mapped[dict] = mapped_column(JSON)  # DEKLAR field code -> value as written
    vat_payable: Mapped[Decimal] = mapped_column(Numeric(15, 2))
    vat_refundable: Mapped[Decimal] = mapped_column(Numeric(15, 2))
    choices: Mapped[dict] = mapped_column(JSON)  # the filer's choices as given
    notes: Mapped[list] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_by_name: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VatReturnFile(Base):
    __tablename__ = "vat_return_files"

    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vat_returns.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer)


COPY_CHUNK = 1024 * 1024
COPY_COLUMNS = ("return_id", "name", "content", "size", "sha256", "records")


async def _copy_rows(return_id: uuid.UUID, files: list[tuple[VatReturnFile, IO[bytes]]]) -> AsyncIterator[bytes]:
    """vat_return_files rows in PostgreSQL's binary COPY format, each file's bytes read from its
    stream a chunk at a time: a ledger of tens of megabytes never sits in this process whole
    (as one bytea parameter it would, several times over in the driver's buffers)."""
    yield b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)  # signature, flags, no header extension
    for f, content in files:
        name, sha256 = f.name.encode(), f.sha256.encode()
        yield struct.pack("!hi16si", len(COPY_COLUMNS), 16, return_id.bytes, len(name)) + name + struct.pack("!i", f.size)
        content.seek(0)
        while chunk := content.read(COPY_CHUNK):
            yield chunk
        yield struct.pack("!iii", 4, f.size, len(sha256)) + sha256 + struct.pack("!ii", 4, f.records)
    yield struct.pack("!h", -1)


class Store:
    def __init__(self, sessions: async_sessionmaker):
        self.sessions = sessions

    async def by_request_id(self, company_id: uuid.UUID, request_id: str) -> tuple[VatReturn, list[VatReturnFile]] | None:
        async with self.sessions() as session:
            found = await session.scalar(select(VatReturn).where(VatReturn.company_id == company_id, VatReturn.request_id == request_id))
            return None if found is None else (found, await self._files(session, found.id))

    async def add(self, row: VatReturn, files: list[tuple[VatReturnFile, IO[bytes]]]) -> VatReturn:
        """Stores a return as the period's next version, all of it or nothing. Each file comes
        with a stream of exactly its `size` bytes (read from the start)."""
        async with self.sessions() as session, session.begin():
            # One generation of a company's period at a time, so versions never collide.
            await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"vat:{row.company_id}:{row.period}"})
            latest = await session.scalar(
                select(func.max(VatReturn.version)).where(VatReturn.company_id == row.company_id, VatReturn.period == row.period)
            )
            row.version = (latest or 0) + 1
            session.add(row)
            await session.flush()
            driver = (await (await session.connection()).get_raw_connection()).driver_connection
            await driver.copy_to_table(VatReturnFile.__tablename__, source=_copy_rows(row.id, files), columns=COPY_COLUMNS, format="binary")
            for f, _ in files:
                f.return_id = row.id
        return row

    async def get(self, company_id: uuid.UUID, return_id: uuid.UUID) -> tuple[VatReturn, list[VatReturnFile]] | None:
        async with self.sessions() as session:
            row = await session.scalar(select(VatReturn).where(VatReturn.id == return_id, VatReturn.company_id == company_id))
            return None if row is None else (row, await self._files(session, row.id))

    async def file_content(self, company_id: uuid.UUID, return_id: uuid.UUID, name: str) -> tuple[VatReturn, bytes] | None:
        async with self.sessions() as session:
            found = (
                await session.execute(
                    select(VatReturn, VatReturnFile.content)
                    .join(VatReturnFile, VatReturnFile.return_id == VatReturn.id)
                    .where(VatReturn.id == return_id, VatReturn.company_id == company_id, VatReturnFile.name == name)
                )
            ).first()
            return None if found is None else (found[0], found[1])

    async def all_contents(self, return_id: uuid.UUID) -> dict[str, bytes]:
        async with self.sessions() as session:
            rows = await session.execute(select(VatReturnFile.name, VatReturnFile.content).where(VatReturnFile.return_id == return_id))
            return dict(rows.all())

    async def page(
        self, company_id: uuid.UUID, period: str, after: tuple[str, int] | None, limit: int
    ) -> list[tuple[VatReturn, list[VatReturnFile]]]:
        """Newest period and version first; `after` = (period, version) of the previous page's last row."""
        async with self.sessions() as session:
            query = select(VatReturn).where(VatReturn.company_id == company_id)
            if period:
                query = query.where(VatReturn.period == period)
            if after is not None:
                p, v = after
                query = query.where((VatReturn.period < p) | ((VatReturn.period == p) & (VatReturn.version < v)))
            rows = (await session.scalars(query.order_by(VatReturn.period.desc(), VatReturn.version.desc()).limit(limit))).all()
            return [(row, await self._files(session, row.id)) for row in rows]

    @staticmethod
    async def _files(session, return_id: uuid.UUID) -> list[VatReturnFile]:
        """The files' facts without their bytes."""
        rows = await session.execute(
            select(VatReturnFile.name, VatReturnFile.size, VatReturnFile.sha256, VatReturnFile.records)
            .where(VatReturnFile.return_id == return_id)
            .order_by(VatReturnFile.name)
        )
        return [VatReturnFile(name=n, size=s, sha256=h, records=r) for n, s, h, r in rows.all()]
