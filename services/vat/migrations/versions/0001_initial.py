"""generated VAT returns and their files

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "vat_returns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=6), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("vat_payable", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("vat_refundable", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_by_name", sa.String(length=150), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("company_id", "period", "version"),
        sa.UniqueConstraint("company_id", "request_id"),
    )
    op.create_index(op.f("ix_vat_returns_company_id"), "vat_returns", ["company_id"], unique=False)
    op.create_table(
        "vat_return_files",
        sa.Column("return_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["return_id"], ["vat_returns.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("return_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("vat_return_files")
    op.drop_index(op.f("ix_vat_returns_company_id"), table_name="vat_returns")
    op.drop_table("vat_returns")
