"""follows; notifications link to any target type

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 01:00:00

Adds the follows table, and replaces notifications.link_comment_id by a (link_target_type,
link_target_id) pair so that notifications of any module can link to what happened (existing
rows linked to comments).
"""
from alembic import op
import sqlalchemy as sa
import decide.core.db  # noqa: F401 - custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LINK_COMMENT = "The newest comment, to link to it"
LINK_TARGET = "The newest event's object (e.g. the comment), to link to it"


def upgrade():
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_follows_space_id_spaces"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_follows_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
        sa.UniqueConstraint("target_type", "target_id", "user_id",
                            name=op.f("uq_follows_target_type_target_id_user_id")),
    )
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follows_space_id"), ["space_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follows_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_target_type", sa.String(length=16), nullable=True))
        batch_op.alter_column("link_comment_id", new_column_name="link_target_id",
                              existing_type=sa.Integer(), existing_nullable=True,
                              comment=LINK_TARGET, existing_comment=LINK_COMMENT)
    op.execute("UPDATE notifications SET link_target_type = 'comment' "
               "WHERE link_target_id IS NOT NULL")


def downgrade():
    # Links to anything but a comment cannot be kept in link_comment_id.
    op.execute("UPDATE notifications SET link_target_id = NULL "
               "WHERE link_target_type IS NULL OR link_target_type <> 'comment'")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("link_target_id", new_column_name="link_comment_id",
                              existing_type=sa.Integer(), existing_nullable=True,
                              comment=LINK_COMMENT, existing_comment=LINK_TARGET)
        batch_op.drop_column("link_target_type")

    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follows_user_id"))
        batch_op.drop_index(batch_op.f("ix_follows_space_id"))
    op.drop_table("follows")
