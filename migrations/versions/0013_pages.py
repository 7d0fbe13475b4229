"""pages: static pages (terms, privacy, accessibility statement, FAQ) per space and for the
deployment, per locale

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 04:00:00

"""
from alembic import op
import sqlalchemy as sa
import decide.core.db  # noqa: F401 - custom column types (UTCDateTime)


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "static_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=True,
                  comment="The city or alliance; null for the deployment's own pages"),
        sa.Column("slug", sa.String(length=16), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False, comment="Title per locale"),
        sa.Column("bodies", sa.JSON(), nullable=False, comment="Markdown source per locale"),
        sa.Column("bodies_html", sa.JSON(), nullable=False,
                  comment="Sanitised HTML of each body"),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("slug IN ('terms', 'privacy', 'accessibility', 'faq')",
                           name=op.f("ck_static_pages_slug")),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_static_pages_space_id_spaces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_static_pages_updated_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_static_pages")),
        sa.UniqueConstraint("space_id", "slug", name=op.f("uq_static_pages_space_id_slug")),
    )
    with op.batch_alter_table("static_pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_static_pages_space_id"), ["space_id"],
                              unique=False)
        batch_op.create_index("uq_static_pages_deployment_slug", ["slug"], unique=True,
                              sqlite_where=sa.text("space_id IS NULL"),
                              postgresql_where=sa.text("space_id IS NULL"))


def downgrade():
    with op.batch_alter_table("static_pages", schema=None) as batch_op:
        batch_op.drop_index("uq_static_pages_deployment_slug",
                            sqlite_where=sa.text("space_id IS NULL"),
                            postgresql_where=sa.text("space_id IS NULL"))
        batch_op.drop_index(batch_op.f("ix_static_pages_space_id"))
    op.drop_table("static_pages")
