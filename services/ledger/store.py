"""The ledger's database: companies, their chart of accounts, counterparts, VAT rates and
journal entries with their lines. Money is NUMERIC(15,2); every company-owned row carries
company_id, and every query filters by it."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.kernel import idempotency

Money = Numeric(15, 2)


class Base(DeclarativeBase):
    __table__: ClassVar[Table]  # a mapped class's table, which SQL Core statements take


IDEMPOTENCY_KEYS = idempotency.table(Base.metadata)


def _created():
    return mapped_column(DateTime(timezone=True), server_default=func.now())


def _updated():
    return mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # Not unique across the mesh: two firms may keep books for the same company, and a
    # uniqueness error would tell one of them about the other's client.
    eik: Mapped[str] = mapped_column(String(13))
    vat_number: Mapped[str] = mapped_column(String(12), default="")
    is_vat_registered: Mapped[bool] = mapped_column(default=False)
    is_intrastat_registered: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(2), default="BG")
    post_code: Mapped[str] = mapped_column(String(20), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    nap_office: Mapped[str] = mapped_column(String(100), default="")
    vat_period: Mapped[str] = mapped_column(String(10), default="monthly")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    fiscal_year_start_month: Mapped[int] = mapped_column(Integer, default=1)
    representative_type: Mapped[str] = mapped_column(String(20), default="MANAGER")
    representative_name: Mapped[str] = mapped_column(String(255), default="")
    representative_eik: Mapped[str] = mapped_column(String(13), default="")
    vies_validation_enabled: Mapped[bool] = mapped_column(default=True)
    # Default accounts: accounts of this company (checked by the domain; no FK, because the
    # accounts themselves belong to the company and are created after it).
    cash_account_id: Mapped[uuid.UUID | None] = mapped_column()
    bank_account_id: Mapped[uuid.UUID | None] = mapped_column()
    customers_account_id: Mapped[uuid.UUID | None] = mapped_column()
    suppliers_account_id: Mapped[uuid.UUID | None] = mapped_column()
    vat_payable_account_id: Mapped[uuid.UUID | None] = mapped_column()
    vat_receivable_account_id: Mapped[uuid.UUID | None] = mapped_column()
    expenses_account_id: Mapped[uuid.UUID | None] = mapped_column()
    revenues_account_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()


class EntryCounter(Base):
    """The last entry number used per company, and how many entries it has. Creating an entry
    increments both with UPDATE … RETURNING in the entry's own transaction: the row lock
    serialises concurrent creates of one company, and a rolled-back create gives its number
    back. Deleting one decrements `entries` in its transaction, so a journal page reads its
    unfiltered total here, in its own snapshot, instead of counting every entry."""

    __tablename__ = "entry_counters"

    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("company_id", "code", name="accounts_company_code_key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    account_type: Mapped[str] = mapped_column(String(10))
    account_class: Mapped[str] = mapped_column(String(2))
    level: Mapped[int] = mapped_column(Integer, default=1)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id", ondelete="RESTRICT"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    is_system: Mapped[bool] = mapped_column(default=False)
    is_analytical: Mapped[bool] = mapped_column(default=False)
    vat_applicable: Mapped[str] = mapped_column(String(6), default="NONE")
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()


class Counterpart(Base):
    __tablename__ = "counterparts"
    __table_args__ = (
        Index("counterparts_company_eik_key", "company_id", "eik", unique=True, postgresql_where=text("eik <> ''")),
        Index("counterparts_company_vat_number_key", "company_id", "vat_number", unique=True, postgresql_where=text("vat_number <> ''")),
        Index("counterparts_company_name", "company_id", "name", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    eik: Mapped[str] = mapped_column(String(13), default="")
    vat_number: Mapped[str] = mapped_column(String(15), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    post_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="BG")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    contact_person: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    is_customer: Mapped[bool] = mapped_column(default=False)
    is_supplier: Mapped[bool] = mapped_column(default=False)
    is_employee: Mapped[bool] = mapped_column(default=False)
    is_vat_registered: Mapped[bool] = mapped_column(default=False)
    is_eu_registered: Mapped[bool] = mapped_column(default=False)
    vat_validated: Mapped[bool] = mapped_column(default=False)
    vat_validated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    vies_status: Mapped[str] = mapped_column(String(10), default="")
    vies_name: Mapped[str] = mapped_column(String(500), default="")
    vies_address: Mapped[str] = mapped_column(String(1000), default="")
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=0)
    payment_method: Mapped[str] = mapped_column(String(10), default="")
    iban: Mapped[str] = mapped_column(String(34), default="")
    bank_name: Mapped[str] = mapped_column(String(255), default="")
    swift: Mapped[str] = mapped_column(String(11), default="")
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()


class VatRate(Base):
    __tablename__ = "vat_rates"
    __table_args__ = (UniqueConstraint("company_id", "name", name="vat_rates_company_name_key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    percentage: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    description: Mapped[str] = mapped_column(String(500), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    vat_code: Mapped[str] = mapped_column(String(20), default="")
    is_reverse_charge_applicable: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()


# Posted entries with an operation code: what the VAT ledgers read.
VAT_RELEVANT = "is_posted AND (purchase_operation <> '' OR sales_operation <> '')"


class JournalEntry(Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("company_id", "number", name="journal_entries_company_number_key"),
        Index("journal_entries_company_accounting_date", "company_id", "accounting_date"),
        # The VAT stream reads a period in this order, in keyset batches: an index range scan.
        Index(
            "journal_entries_vat_ledger",
            "company_id",
            "vat_period",
            "document_date",
            "document_type",
            "document_number",
            "id",
            postgresql_where=text(VAT_RELEVANT),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    number: Mapped[int] = mapped_column(Integer)
    document_type: Mapped[str] = mapped_column(String(2), default="")
    document_number: Mapped[str] = mapped_column(String(50), default="")
    document_date: Mapped[date] = mapped_column(Date)
    accounting_date: Mapped[date] = mapped_column(Date)
    vat_date: Mapped[date | None] = mapped_column(Date)
    # YYYYMM of vat_date, kept by the database.
    vat_period: Mapped[int | None] = mapped_column(
        Integer, Computed("(date_part('year', vat_date) * 100 + date_part('month', vat_date))::integer", persisted=True)
    )
    description: Mapped[str] = mapped_column(String(1000), default="")
    counterpart_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("counterparts.id", ondelete="RESTRICT"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    purchase_operation: Mapped[str] = mapped_column(String(20), default="")
    sales_operation: Mapped[str] = mapped_column(String(20), default="")
    tax_base: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    vat_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    total_debit: Mapped[Decimal] = mapped_column(Money)
    total_credit: Mapped[Decimal] = mapped_column(Money)
    is_posted: Mapped[bool] = mapped_column(default=False)
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    posted_by: Mapped[uuid.UUID | None] = mapped_column()
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()


class EntryLine(Base):
    __tablename__ = "entry_lines"
    __table_args__ = (UniqueConstraint("entry_id", "line_number", name="entry_lines_entry_line_key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_entries.id", ondelete="CASCADE"))
    company_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    line_number: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="RESTRICT"), index=True)
    debit: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    credit: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    description: Mapped[str] = mapped_column(String(500), default="")
    counterpart_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("counterparts.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(15, 3))
    currency_code: Mapped[str] = mapped_column(String(3), default="")
    currency_amount: Mapped[Decimal | None] = mapped_column(Money)
    exchange_rate: Mapped[Decimal | None] = mapped_column(Numeric(15, 6))
