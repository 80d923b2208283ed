"""The scanner's database: scanned invoices with their original files and what was read from
them, the batches they came in, and each company's recognition settings."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column

from services.kernel.sealing import SealedText

JSON_TYPE = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class ScanSession(Base):
    __tablename__ = "scan_sessions"
    __table_args__ = (Index("scan_sessions_company_created", "company_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    company_id: Mapped[uuid.UUID]
    status: Mapped[str] = mapped_column(String(20), default="PROCESSING")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ScannedInvoice(Base):
    __tablename__ = "scanned_invoices"
    __table_args__ = (
        Index("scanned_invoices_company_status", "company_id", "status", "created_at"),
        Index("scanned_invoices_session", "session_id", "position"),
    )
    # updated_at comes back with the UPDATE (RETURNING); a plain dict as SQLAlchemy declares it
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    company_id: Mapped[uuid.UUID]
    session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("scan_sessions.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within its batch
    file_name: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(100))
    file_size: Mapped[int] = mapped_column(Integer)
    # The original, kept as uploaded; loaded only when asked for.
    file_data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    status: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10), default="UNKNOWN")
    source: Mapped[str] = mapped_column(String(20), default="")
    empty_reason: Mapped[str] = mapped_column(Text, default="")
    # {field: {value, confidence, source, page, box, text}}
    fields: Mapped[dict] = mapped_column(JSON_TYPE, default=dict)
    # [{description, quantity, unit, unit_price, amount, vat_rate, confidence, page}]
    line_items: Mapped[list] = mapped_column(JSON_TYPE, default=list, server_default="[]")
    review_reasons: Mapped[list] = mapped_column(JSON_TYPE, default=list)
    vat_checks: Mapped[list] = mapped_column(JSON_TYPE, default=list)
    confidence: Mapped[Decimal] = mapped_column(Numeric(4, 3), default=Decimal("0"))
    # The amounts again as numbers, for reports and sums in SQL.
    tax_base: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    vat_amount: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    total: Mapped[Decimal | None] = mapped_column(Numeric(15, 2))
    text: Mapped[str] = deferred(mapped_column(Text, default=""))
    journal_entry_id: Mapped[str] = mapped_column(String(36), default="")
    counterpart_id: Mapped[str] = mapped_column(String(36), default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())


class RecognitionSettings(Base):
    __tablename__ = "recognition_settings"

    company_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    engine: Mapped[str] = mapped_column(String(10), default="local")
    azure_endpoint: Mapped[str] = mapped_column(String(500), default="")
    azure_key: Mapped[str] = mapped_column(SealedText, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())
