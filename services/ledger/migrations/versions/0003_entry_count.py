"""entry_counters keep how many entries each company has: a journal page's unfiltered total

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column("entry_counters", sa.Column("entries", sa.Integer(), server_default="0", nullable=False))
    op.execute("UPDATE entry_counters c SET entries = (SELECT count(*) FROM journal_entries e WHERE e.company_id = c.company_id)")


def downgrade() -> None:
    op.drop_column("entry_counters", "entries")
