"""notify identity's replicas when what decides a token's check changes (sessions, users, groups)

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"

CHANNEL = "identity_signed_in"  # services/identity/sessions.py listens on it
TRIGGERS = {  # name: (table, events, level)
    "sessions_changed": ("sessions", "UPDATE OR DELETE", "ROW"),
    "sessions_truncated": ("sessions", "TRUNCATE", "STATEMENT"),
    "users_changed": ("users", "UPDATE OR DELETE OR TRUNCATE", "STATEMENT"),
    "user_groups_changed": ("user_groups", "UPDATE OR DELETE OR TRUNCATE", "STATEMENT"),
}


def upgrade() -> None:
    # A changed session names itself; a changed user or group may touch any session: "*".
    op.execute(f"""
        CREATE FUNCTION notify_signed_in_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_LEVEL = 'ROW' THEN
                PERFORM pg_notify('{CHANNEL}', OLD.id::text);
            ELSE
                PERFORM pg_notify('{CHANNEL}', '*');
            END IF;
            RETURN NULL;
        END $$
    """)
    for name, (table, events, level) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} AFTER {events} ON {table} FOR EACH {level} EXECUTE FUNCTION notify_signed_in_changed()")


def downgrade() -> None:
    for name, (table, _events, _level) in TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name} ON {table}")
    op.execute("DROP FUNCTION notify_signed_in_changed()")
