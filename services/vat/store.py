"""VAT's database: every generated return (a version per company and period) with its files
byte for byte, its cells and totals, and who generated it when. Models only; the queries live
with the rules that use them (returns.py writes a version, versions.py reads them back)."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKeyConstraint, Integer, LargeBinary, Numeric, String, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kernel import idempotency


class Base(DeclarativeBase):
    pass


class VatReturn(Base):
    __tablename__ = "vat_returns"
    __table_args__ = (UniqueConstraint("company_id", "period", "version"),)

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
    created_by: Mapped[str] = mapped_column(String(64))
    created_by_name: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VatReturnFile(Base):
    """A file's facts; its bytes are in VatFileChunk."""

    __tablename__ = "vat_return_files"
    __table_args__ = (ForeignKeyConstraint(["return_id"], ["vat_returns.id"], ondelete="CASCADE"),)

    return_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer)


class VatFileChunk(Base):
    """A file's bytes in pieces of at most returns.CHUNK (1 MiB), in order: written and read a
    piece at a time, so a ledger of hundreds of megabytes never sits in the service whole, and
    each piece is compressed by PostgreSQL on its own (lz4 where the server has it). The pieces
    are written while the return is made, before its rows: that transaction defers the check
    of their key to the file until its commit."""

    __tablename__ = "vat_file_chunks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["return_id", "name"], ["vat_return_files.return_id", "vat_return_files.name"], ondelete="CASCADE",
            deferrable=True,
        ),
    )  # fmt: skip

    return_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


IDEMPOTENCY_KEYS = idempotency.table(Base.metadata)
