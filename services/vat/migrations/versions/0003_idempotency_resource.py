"""idempotency keys name the resource the first request created, not its serialized answer

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    # Keys live for a day and are retried within minutes: the kept answers are dropped, not
    # converted (a repeat of a request made before the upgrade creates anew).
    op.execute("DELETE FROM idempotency_keys")
    op.drop_column("idempotency_keys", "response")
    op.add_column("idempotency_keys", sa.Column("resource_id", sa.Uuid(), nullable=False))


def downgrade() -> None:
    op.execute("DELETE FROM idempotency_keys")
    op.drop_column("idempotency_keys", "resource_id")
    op.add_column("idempotency_keys", sa.Column("response", sa.LargeBinary(), nullable=False))
