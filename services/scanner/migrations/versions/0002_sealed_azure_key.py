"""the Azure key is stored sealed (longer than the plain key)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.alter_column("recognition_settings", "azure_key", type_=sa.Text(), existing_type=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    op.alter_column("recognition_settings", "azure_key", type_=sa.String(200), existing_type=sa.Text(), existing_nullable=False)
