"""files kept in 1 MiB chunks (streamed in and out); idempotent creates through the kernel's keys

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "vat_file_chunks",
        sa.Column("return_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["return_id", "name"], ["vat_return_files.return_id", "vat_return_files.name"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("return_id", "name", "seq"),
    )
    # Versions kept before: each file becomes its first and only chunk.
    op.execute(
        "INSERT INTO vat_file_chunks (return_id, name, seq, data) SELECT return_id, name, 0, content FROM vat_return_files WHERE size > 0"
    )
    op.drop_column("vat_return_files", "content")
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
    # A repeat of a request made before this version generates a new version (the kept responses
    # were not stored as messages); request ids are retried within minutes, not across upgrades.
    op.drop_column("vat_returns", "request_id")


def downgrade() -> None:
    op.add_column("vat_returns", sa.Column("request_id", sa.String(length=100), nullable=True))
    op.create_unique_constraint("vat_returns_company_id_request_id_key", "vat_returns", ["company_id", "request_id"])
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.add_column("vat_return_files", sa.Column("content", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE vat_return_files f SET content = coalesce((SELECT string_agg(c.data, ''::bytea ORDER BY c.seq) FROM vat_file_chunks c "
        "WHERE c.return_id = f.return_id AND c.name = f.name), ''::bytea)"
    )
    op.alter_column("vat_return_files", "content", nullable=False)
    op.drop_table("vat_file_chunks")
