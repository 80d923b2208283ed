"""companies, accounts, counterparts, VAT rates, journal entries

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("eik", sa.String(length=13), nullable=False),
        sa.Column("vat_number", sa.String(length=12), nullable=False),
        sa.Column("is_vat_registered", sa.Boolean(), nullable=False),
        sa.Column("is_intrastat_registered", sa.Boolean(), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("post_code", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("website", sa.String(length=255), nullable=False),
        sa.Column("nap_office", sa.String(length=100), nullable=False),
        sa.Column("vat_period", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("fiscal_year_start_month", sa.Integer(), nullable=False),
        sa.Column("representative_type", sa.String(length=20), nullable=False),
        sa.Column("representative_name", sa.String(length=255), nullable=False),
        sa.Column("representative_eik", sa.String(length=13), nullable=False),
        sa.Column("vies_validation_enabled", sa.Boolean(), nullable=False),
        sa.Column("cash_account_id", sa.Uuid(), nullable=True),
        sa.Column("bank_account_id", sa.Uuid(), nullable=True),
        sa.Column("customers_account_id", sa.Uuid(), nullable=True),
        sa.Column("suppliers_account_id", sa.Uuid(), nullable=True),
        sa.Column("vat_payable_account_id", sa.Uuid(), nullable=True),
        sa.Column("vat_receivable_account_id", sa.Uuid(), nullable=True),
        sa.Column("expenses_account_id", sa.Uuid(), nullable=True),
        sa.Column("revenues_account_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("scope", "method", "request_id"),
    )
    op.create_index(op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False)
    op.create_table(
        "accounts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("account_type", sa.String(length=10), nullable=False),
        sa.Column("account_class", sa.String(length=2), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_system", sa.Boolean(), nullable=False),
        sa.Column("is_analytical", sa.Boolean(), nullable=False),
        sa.Column("vat_applicable", sa.String(length=6), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["accounts.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "code", name="accounts_company_code_key"),
    )
    op.create_index(op.f("ix_accounts_parent_id"), "accounts", ["parent_id"], unique=False)
    op.create_table(
        "counterparts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("eik", sa.String(length=13), nullable=False),
        sa.Column("vat_number", sa.String(length=15), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("post_code", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("website", sa.String(length=255), nullable=False),
        sa.Column("contact_person", sa.String(length=255), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("is_customer", sa.Boolean(), nullable=False),
        sa.Column("is_supplier", sa.Boolean(), nullable=False),
        sa.Column("is_employee", sa.Boolean(), nullable=False),
        sa.Column("is_vat_registered", sa.Boolean(), nullable=False),
        sa.Column("is_eu_registered", sa.Boolean(), nullable=False),
        sa.Column("vat_validated", sa.Boolean(), nullable=False),
        sa.Column("vat_validated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("vies_status", sa.String(length=10), nullable=False),
        sa.Column("vies_name", sa.String(length=500), nullable=False),
        sa.Column("vies_address", sa.String(length=1000), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("payment_method", sa.String(length=10), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("bank_name", sa.String(length=255), nullable=False),
        sa.Column("swift", sa.String(length=11), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "counterparts_company_eik_key", "counterparts", ["company_id", "eik"], unique=True, postgresql_where=sa.text("eik <> ''")
    )
    op.create_index("counterparts_company_name", "counterparts", ["company_id", "name", "id"], unique=False)
    op.create_index(
        "counterparts_company_vat_number_key",
        "counterparts",
        ["company_id", "vat_number"],
        unique=True,
        postgresql_where=sa.text("vat_number <> ''"),
    )
    op.create_table(
        "entry_counters",
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("company_id"),
    )
    op.create_table(
        "vat_rates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("percentage", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("vat_code", sa.String(length=20), nullable=False),
        sa.Column("is_reverse_charge_applicable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "name", name="vat_rates_company_name_key"),
    )
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=2), nullable=False),
        sa.Column("document_number", sa.String(length=50), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("accounting_date", sa.Date(), nullable=False),
        sa.Column("vat_date", sa.Date(), nullable=True),
        sa.Column(
            "vat_period",
            sa.Integer(),
            sa.Computed("(date_part('year', vat_date) * 100 + date_part('month', vat_date))::integer", persisted=True),
            nullable=True,
        ),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("counterpart_id", sa.Uuid(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("purchase_operation", sa.String(length=20), nullable=False),
        sa.Column("sales_operation", sa.String(length=20), nullable=False),
        sa.Column("tax_base", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("vat_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("total_debit", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("total_credit", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("is_posted", sa.Boolean(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_by", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["counterpart_id"], ["counterparts.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "number", name="journal_entries_company_number_key"),
    )
    op.create_index(op.f("ix_journal_entries_counterpart_id"), "journal_entries", ["counterpart_id"], unique=False)
    op.create_index("journal_entries_company_accounting_date", "journal_entries", ["company_id", "accounting_date"], unique=False)
    op.create_index(
        "journal_entries_vat_ledger",
        "journal_entries",
        ["company_id", "vat_period", "document_date", "document_type", "document_number", "id"],
        unique=False,
        postgresql_where=sa.text("is_posted AND (purchase_operation <> '' OR sales_operation <> '')"),
    )
    op.create_table(
        "entry_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("debit", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("credit", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("counterpart_id", sa.Uuid(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=15, scale=3), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("currency_amount", sa.Numeric(precision=15, scale=2), nullable=True),
        sa.Column("exchange_rate", sa.Numeric(precision=15, scale=6), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["counterpart_id"], ["counterparts.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["entry_id"], ["journal_entries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "line_number", name="entry_lines_entry_line_key"),
    )
    op.create_index(op.f("ix_entry_lines_account_id"), "entry_lines", ["account_id"], unique=False)
    op.create_index(op.f("ix_entry_lines_counterpart_id"), "entry_lines", ["counterpart_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_entry_lines_counterpart_id"), table_name="entry_lines")
    op.drop_index(op.f("ix_entry_lines_account_id"), table_name="entry_lines")
    op.drop_table("entry_lines")
    op.drop_index(
        "journal_entries_vat_ledger",
        table_name="journal_entries",
        postgresql_where=sa.text("is_posted AND (purchase_operation <> '' OR sales_operation <> '')"),
    )
    op.drop_index("journal_entries_company_accounting_date", table_name="journal_entries")
    op.drop_index(op.f("ix_journal_entries_counterpart_id"), table_name="journal_entries")
    op.drop_table("journal_entries")
    op.drop_table("vat_rates")
    op.drop_table("entry_counters")
    op.drop_index("counterparts_company_vat_number_key", table_name="counterparts", postgresql_where=sa.text("vat_number <> ''"))
    op.drop_index("counterparts_company_name", table_name="counterparts")
    op.drop_index("counterparts_company_eik_key", table_name="counterparts", postgresql_where=sa.text("eik <> ''"))
    op.drop_table("counterparts")
    op.drop_index(op.f("ix_accounts_parent_id"), table_name="accounts")
    op.drop_table("accounts")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_table("companies")
