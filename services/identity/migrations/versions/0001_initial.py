"""users, groups, sessions, keys and company grants

Revision ID: 0001
Revises:
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("username_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("username_key"),
    )
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_pem", sa.LargeBinary(), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid"),
    )
    op.create_table(
        "user_groups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("manage_users", sa.Boolean(), nullable=False),
        sa.Column("manage_companies", sa.Boolean(), nullable=False),
        sa.Column("post_entries", sa.Boolean(), nullable=False),
        sa.Column("vat_returns", sa.Boolean(), nullable=False),
        sa.Column("scanning", sa.Boolean(), nullable=False),
        sa.Column("view_reports", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["user_groups.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_users_group_id"), "users", ["group_id"], unique=False)
    op.create_index("users_email_key", "users", [sa.literal_column("lower(email)")], unique=True)
    op.create_index("users_username_key", "users", [sa.literal_column("lower(username)")], unique=True)
    op.create_table(
        "company_access",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("company_access_one_default", "company_access", ["user_id"], unique=True, postgresql_where=sa.text("is_default"))
    op.create_index("company_access_user_company_key", "company_access", ["user_id", "company_id"], unique=True)
    op.create_index(op.f("ix_company_access_company_id"), "company_access", ["company_id"], unique=False)
    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=50), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"], unique=False)
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index(op.f("ix_refresh_tokens_session_id"), "refresh_tokens", ["session_id"], unique=False)

    # The starting groups: administrators can do everything, accountants keep the books,
    # viewers (the group self-registered users join) only read reports.
    flags = ("manage_users", "manage_companies", "post_entries", "vat_returns", "scanning", "view_reports")
    seeds = [
        ("administrators", "Администратори: всички права", set(flags)),
        ("accountants", "Счетоводители", {"post_entries", "vat_returns", "scanning", "view_reports"}),
        ("viewers", "Само преглед", {"view_reports"}),
    ]
    groups = sa.table(
        "user_groups", sa.column("id", sa.Uuid), sa.column("name"), sa.column("description"), *(sa.column(f, sa.Boolean) for f in flags)
    )
    op.bulk_insert(
        groups,
        [
            {"id": uuid.uuid4(), "name": name, "description": description, **{f: f in granted for f in flags}}
            for name, description, granted in seeds
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_refresh_tokens_session_id"), table_name="refresh_tokens")
    op.drop_table("refresh_tokens")
    op.drop_index(op.f("ix_sessions_user_id"), table_name="sessions")
    op.drop_table("sessions")
    op.drop_index(op.f("ix_company_access_company_id"), table_name="company_access")
    op.drop_index("company_access_user_company_key", table_name="company_access")
    op.drop_index("company_access_one_default", table_name="company_access", postgresql_where=sa.text("is_default"))
    op.drop_table("company_access")
    op.drop_index("users_username_key", table_name="users")
    op.drop_index("users_email_key", table_name="users")
    op.drop_index(op.f("ix_users_group_id"), table_name="users")
    op.drop_table("users")
    op.drop_table("user_groups")
    op.drop_table("signing_keys")
    op.drop_table("login_throttle")
