"""the cache of VIES answers: the last answer per VAT number

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "vat_checks",
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("vat_number", sa.String(length=12), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("raw_name", sa.Text(), nullable=True),
        sa.Column("raw_address", sa.Text(), nullable=True),
        sa.Column("request_date", sa.Date(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("country_code", "vat_number"),
    )


def downgrade() -> None:
    op.drop_table("vat_checks")
