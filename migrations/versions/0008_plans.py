"""plans: an alliance's action plan (items, committed cities, milestones), declarations and
the cities adhering to them

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 02:00:00

"""
from alembic import op
import sqlalchemy as sa
import decide.core.db  # noqa: F401 - custom column types (UTCDateTime)


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("adopted_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("adopted_by_id", sa.Integer(), nullable=True),
        sa.Column("status_changed_at", decide.core.db.UTCDateTime(), nullable=True),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('adopted', 'in_progress', 'done', 'dropped')",
                           name=op.f("ck_plan_items_status")),
        sa.ForeignKeyConstraint(["adopted_by_id"], ["users.id"],
                                name=op.f("fk_plan_items_adopted_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"],
                                name=op.f("fk_plan_items_proposal_id_proposals"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_plan_items_space_id_spaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_items")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_plan_items_proposal_id")),
    )
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_items_space_id"), ["space_id"], unique=False)
        batch_op.create_index("ix_plan_items_space_adopted", ["space_id", "adopted_at"],
                              unique=False)

    op.create_table(
        "plan_commitments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("committed_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["spaces.id"],
                                name=op.f("fk_plan_commitments_city_id_spaces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["plan_items.id"],
                                name=op.f("fk_plan_commitments_item_id_plan_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_commitments")),
        sa.UniqueConstraint("item_id", "city_id",
                            name=op.f("uq_plan_commitments_item_id_city_id")),
    )
    with op.batch_alter_table("plan_commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_commitments_city_id"), ["city_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_plan_commitments_item_id"), ["item_id"],
                              unique=False)

    op.create_table(
        "plan_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("done_at", decide.core.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_plan_milestones_progress")),
        sa.ForeignKeyConstraint(["item_id"], ["plan_items.id"],
                                name=op.f("fk_plan_milestones_item_id_plan_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_milestones")),
    )
    with op.batch_alter_table("plan_milestones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_milestones_item_id"), ["item_id"],
                              unique=False)

    op.create_table(
        "declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True,
                  comment="Who published it for the secretariat (reviews its translations)"),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("body", sa.Text(), nullable=False, comment="Markdown source"),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False,
                  comment="Language it was written in"),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("published_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_declarations_author_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_declarations_space_id_spaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declarations_space_id"), ["space_id"], unique=False)
        batch_op.create_index("ix_declarations_space_signed", ["space_id", "signed_on"],
                              unique=False)

    op.create_table(
        "declaration_adhesions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["spaces.id"],
                                name=op.f("fk_declaration_adhesions_city_id_spaces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["declaration_id"], ["declarations.id"],
                                name=op.f("fk_declaration_adhesions_declaration_id_declarations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_declaration_adhesions_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declaration_adhesions")),
        sa.UniqueConstraint("declaration_id", "city_id",
                            name=op.f("uq_declaration_adhesions_declaration_id_city_id")),
    )
    with op.batch_alter_table("declaration_adhesions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declaration_adhesions_city_id"), ["city_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_declaration_adhesions_declaration_id"),
                              ["declaration_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_declaration_adhesions_user_id"), ["user_id"],
                              unique=False)


def downgrade():
    op.drop_table("declaration_adhesions")
    op.drop_table("declarations")
    op.drop_table("plan_milestones")
    op.drop_table("plan_commitments")
    op.drop_table("plan_items")
