"""accounts security: per-account sign-in throttle, server-side sessions, usernames unique
whatever their case

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

import decide.core.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _refuse_case_duplicates() -> None:
    """The new index would fail with an engine-specific error; say what to fix instead."""
    rows = op.get_bind().execute(sa.text(
        "SELECT lower(username) AS name, count(*) AS n FROM users "
        "GROUP BY lower(username) HAVING count(*) > 1 ORDER BY lower(username)"
    )).fetchall()
    if rows:
        names = ", ".join(f"{row.name} ({row.n} accounts)" for row in rows[:20])
        raise RuntimeError(
            "Cannot make usernames unique regardless of case: these names are used by more than "
            f"one account when upper and lower case are ignored: {names}. Rename all but one "
            "of each (UPDATE users SET username = ... WHERE id = ...) and run the upgrade again."
        )


def upgrade():
    _refuse_case_duplicates()
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("locked_until", decide.core.db.UTCDateTime(),
                                      nullable=True))
    # A lower-cased copy of the name with a unique index (not an index on lower(username):
    # SQLite cannot reflect those, so later batch operations would silently drop it).
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("username_lower", sa.String(length=40),
                                      server_default="", nullable=False))
    op.execute("UPDATE users SET username_lower = lower(username)")
    if op.get_bind().dialect.name == "postgresql":
        # The default only served to fill existing rows; SQLite would need the table rebuilt
        # to drop it, and there it is harmless (the unique index refuses a second empty name).
        op.alter_column("users", "username_lower", server_default=None)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_username_lower"), ["username_lower"],
                              unique=True)

    op.create_table(
        "user_sessions",
        sa.Column("id", sa.String(length=64), nullable=False,
                  comment="SHA-256 of the token the cookies carry"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("user_agent", sa.String(length=120), nullable=False,
                  comment="Browser and system, e.g. Firefox on Linux"),
        sa.Column("revoked_at", decide.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")
    op.drop_index(op.f("ix_users_username_lower"), table_name="users")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): rebuilding `users` in a batch would
    # trip the foreign keys that point at it, which SQLite cannot relax inside a transaction.
    for column in ("username_lower", "locked_until", "failed_logins"):
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")
