"""scanned invoices keep their line items

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column(
        "scanned_invoices",
        sa.Column("line_items", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False, server_default="[]"),
    )


def downgrade() -> None:
    op.drop_column("scanned_invoices", "line_items")
