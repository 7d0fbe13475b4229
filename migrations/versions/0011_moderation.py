"""moderation: hide decisions (automatic or by a moderator, with the reason) and blocked
accounts

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 03:50:00

"""
from alembic import op
import sqlalchemy as sa
import decide.core.db  # noqa: F401 - custom column types (UTCDateTime)


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "moderation_hidings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True,
                  comment="Null when hidden automatically"),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True,
                  comment="What the moderator told the author"),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("reviewed_at", decide.core.db.UTCDateTime(), nullable=True,
                  comment="A moderator confirmed or undid the hiding"),
        sa.Column("restored_at", decide.core.db.UTCDateTime(), nullable=True),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_moderation_hidings_author_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["hidden_by_id"], ["users.id"],
                                name=op.f("fk_moderation_hidings_hidden_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_moderation_hidings_space_id_spaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_hidings")),
    )
    with op.batch_alter_table("moderation_hidings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_hidings_space_id"), ["space_id"],
                              unique=False)
        batch_op.create_index("ix_moderation_hidings_target", ["target_type", "target_id"],
                              unique=False)

    op.create_table(
        "account_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=True,
                  comment="The space whose moderator blocked the account"),
        sa.Column("blocked_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["blocked_by_id"], ["users.id"],
                                name=op.f("fk_account_blocks_blocked_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_account_blocks_space_id_spaces"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_account_blocks_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_blocks")),
        sa.UniqueConstraint("user_id", name=op.f("uq_account_blocks_user_id")),
    )


def downgrade():
    op.drop_table("account_blocks")
    with op.batch_alter_table("moderation_hidings", schema=None) as batch_op:
        batch_op.drop_index("ix_moderation_hidings_target")
        batch_op.drop_index(batch_op.f("ix_moderation_hidings_space_id"))
    op.drop_table("moderation_hidings")
