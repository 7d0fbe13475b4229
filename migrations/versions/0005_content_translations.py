"""content translations: readers' translations of author text

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
import decide.core.db  # noqa: F401 - custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ACCEPTED = sa.text("status = 'accepted'")


def upgrade():
    op.create_table(
        "content_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False,
                  comment="Translated text per field; Markdown fields also keep '<field>_html'"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True,
                  comment="Who suggested it; emptied when that account is deleted"),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("reviewed_at", decide.core.db.UTCDateTime(), nullable=True),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('suggested', 'accepted', 'rejected', 'replaced')",
                           name=op.f("ck_content_translations_status")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_content_translations_author_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"],
                                name=op.f("fk_content_translations_reviewed_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_content_translations_space_id_spaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_translations")),
    )
    with op.batch_alter_table("content_translations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_translations_author_id"), ["author_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_content_translations_reviewed_by_id"),
                              ["reviewed_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_content_translations_space_id"), ["space_id"],
                              unique=False)
        batch_op.create_index("ix_content_translations_target",
                              ["target_type", "target_id", "status"], unique=False)
        batch_op.create_index("uq_content_translations_accepted",
                              ["target_type", "target_id", "locale"], unique=True,
                              sqlite_where=ACCEPTED, postgresql_where=ACCEPTED)


def downgrade():
    with op.batch_alter_table("content_translations", schema=None) as batch_op:
        batch_op.drop_index("uq_content_translations_accepted")
        batch_op.drop_index("ix_content_translations_target")
        batch_op.drop_index(batch_op.f("ix_content_translations_space_id"))
        batch_op.drop_index(batch_op.f("ix_content_translations_reviewed_by_id"))
        batch_op.drop_index(batch_op.f("ix_content_translations_author_id"))
    op.drop_table("content_translations")
