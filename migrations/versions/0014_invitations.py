"""invitations: alliance membership invitations, the source of each membership (file or
accepted invitation), spaces created in the browser, verification of organisation accounts

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 04:40:00

"""
from alembic import op
import sqlalchemy as sa
import decide.core.db  # noqa: F401 - custom column types (UTCDateTime)


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("alliance_memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            "source", sa.String(length=16), nullable=False, server_default="file",
            comment="file (the alliance's config file) or invitation (accepted in the browser)"))
        batch_op.create_check_constraint("source", "source IN ('file', 'invitation')")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_verified_at", decide.core.db.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column(
            "organisation_verified_by_space_id", sa.Integer(), nullable=True,
            comment="The city whose administrators verified the organisation"))
        batch_op.create_foreign_key(
            batch_op.f("fk_users_organisation_verified_by_space_id_spaces"), "spaces",
            ["organisation_verified_by_space_id"], ["id"], ondelete="SET NULL")

    op.create_table(
        "alliance_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", decide.core.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'withdrawn')",
                           name=op.f("ck_alliance_invitations_status")),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"],
                                name=op.f("fk_alliance_invitations_answered_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["city_id"], ["spaces.id"],
                                name=op.f("fk_alliance_invitations_city_id_spaces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["users.id"],
                                name=op.f("fk_alliance_invitations_invited_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_alliance_invitations_space_id_spaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alliance_invitations")),
    )
    with op.batch_alter_table("alliance_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alliance_invitations_city_id"), ["city_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_alliance_invitations_space_id"), ["space_id"],
                              unique=False)
        batch_op.create_index("uq_alliance_invitations_pending", ["space_id", "city_id"],
                              unique=True,
                              sqlite_where=sa.text("status = 'pending'"),
                              postgresql_where=sa.text("status = 'pending'"))

    op.create_table(
        "space_creations",
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_space_creations_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_space_creations_space_id_spaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("space_id", name=op.f("pk_space_creations")),
    )


def downgrade():
    op.drop_table("space_creations")
    with op.batch_alter_table("alliance_invitations", schema=None) as batch_op:
        batch_op.drop_index("uq_alliance_invitations_pending",
                            sqlite_where=sa.text("status = 'pending'"),
                            postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f("ix_alliance_invitations_space_id"))
        batch_op.drop_index(batch_op.f("ix_alliance_invitations_city_id"))
    op.drop_table("alliance_invitations")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_users_organisation_verified_by_space_id_spaces"), type_="foreignkey")
        batch_op.drop_column("organisation_verified_by_space_id")
        batch_op.drop_column("organisation_verified_at")
    with op.batch_alter_table("alliance_memberships", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_alliance_memberships_source"), type_="check")
        batch_op.drop_column("source")
