"""admin overrides: administrators' values over the config files, uploaded logos

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 03:45:00

"""
from alembic import op
import sqlalchemy as sa
import decide.core.db  # noqa: F401 - custom column types (UTCDateTime)


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # Existing spaces start with no override; the default only fills those rows.
    op.add_column("spaces", sa.Column(
        "overrides", sa.JSON(), nullable=False, server_default="{}",
        comment="Values changed by the space's administrators over the file's: "
                "key -> {value, by (user id), at (ISO time)}"))
    op.create_table(
        "space_logos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False,
                  comment="image/png, image/jpeg or image/webp"),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_space_logos_space_id_spaces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_space_logos_uploaded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_logos")),
    )
    op.create_index(op.f("ix_space_logos_space_id"), "space_logos", ["space_id"],
                    unique=False)


def downgrade():
    op.drop_index(op.f("ix_space_logos_space_id"), table_name="space_logos")
    op.drop_table("space_logos")
    with op.batch_alter_table("spaces") as batch_op:
        batch_op.drop_column("overrides")
