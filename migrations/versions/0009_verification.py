"""verification: city censuses (hashed document numbers), claims and failed attempts

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 02:30:00

"""
from alembic import op
import sqlalchemy as sa
import decide.core.db  # noqa: F401 - custom column types (UTCDateTime)


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "census_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=32), nullable=False),
        sa.Column("document_hash", sa.String(length=64), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("postal_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["spaces.id"],
                                name=op.f("fk_census_entries_city_id_spaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_census_entries")),
        sa.UniqueConstraint("city_id", "document_type", "document_hash",
                            name="uq_census_entries_document"),
    )
    op.create_table(
        "census_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["city_id"], ["spaces.id"],
                                name=op.f("fk_census_imports_city_id_spaces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["imported_by_id"], ["users.id"],
                                name=op.f("fk_census_imports_imported_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_census_imports")),
        sa.UniqueConstraint("city_id", name=op.f("uq_census_imports_city_id")),
    )
    op.create_table(
        "census_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("document_type", sa.String(length=32), nullable=False),
        sa.Column("document_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("claimed_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["spaces.id"],
                                name=op.f("fk_census_claims_city_id_spaces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_census_claims_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_census_claims")),
        sa.UniqueConstraint("city_id", "document_type", "document_hash",
                            name="uq_census_claims_document"),
    )
    with op.batch_alter_table("census_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_census_claims_user_id"), ["user_id"],
                              unique=False)
    op.create_table(
        "verification_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["spaces.id"],
                                name=op.f("fk_verification_failures_city_id_spaces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_verification_failures_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_failures")),
    )
    with op.batch_alter_table("verification_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verification_failures_user_id"), ["user_id"],
                              unique=False)


def downgrade():
    op.drop_table("verification_failures")
    op.drop_table("census_claims")
    op.drop_table("census_imports")
    op.drop_table("census_entries")
