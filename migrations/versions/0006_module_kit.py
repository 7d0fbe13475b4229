"""module kit: generic edit history, vote counts per voter's city

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 01:45:00

"""
from alembic import op
import sqlalchemy as sa
import decide.core.db  # noqa: F401 - custom column types (UTCDateTime)


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False, comment="field -> [old value, new value]"),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["editor_id"], ["users.id"], name=op.f("fk_revisions_editor_id_users")),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"], name=op.f("fk_revisions_space_id_spaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
    )
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revisions_editor_id"), ["editor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_revisions_space_id"), ["space_id"], unique=False)
        batch_op.create_index("ix_revisions_target", ["target_type", "target_id", "created_at"], unique=False)
    op.execute(
        "INSERT INTO revisions (target_type, target_id, editor_id, created_at, changes, space_id) "
        "SELECT 'debate', r.debate_id, r.editor_id, r.created_at, r.changes, d.space_id "
        "FROM debate_revisions r JOIN debates d ON d.id = r.debate_id ORDER BY r.id")
    with op.batch_alter_table("debate_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debate_revisions_debate_id"))
    op.drop_table("debate_revisions")

    op.create_table(
        "vote_city_counts",
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["spaces.id"], name=op.f("fk_vote_city_counts_city_id_spaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("target_type", "target_id", "city_id", "choice", name=op.f("pk_vote_city_counts")),
    )
    # Votes already cast on alliance debates, counted per voter's city.
    op.execute(
        "INSERT INTO vote_city_counts (target_type, target_id, city_id, choice, count) "
        "SELECT 'debate', v.debate_id, v.voter_city_id, "
        "CASE WHEN v.agree THEN 'agree' ELSE 'disagree' END, COUNT(*) "
        "FROM debate_votes v JOIN debates d ON d.id = v.debate_id "
        "JOIN spaces s ON s.id = d.space_id "
        "WHERE s.kind = 'alliance' AND v.voter_city_id IS NOT NULL "
        "GROUP BY v.debate_id, v.voter_city_id, CASE WHEN v.agree THEN 'agree' ELSE 'disagree' END")


def downgrade():
    op.drop_table("vote_city_counts")
    op.create_table(
        "debate_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("debate_id", sa.Integer(), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", decide.core.db.UTCDateTime(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["debate_id"], ["debates.id"], name=op.f("fk_debate_revisions_debate_id_debates"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["editor_id"], ["users.id"], name=op.f("fk_debate_revisions_editor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debate_revisions")),
    )
    with op.batch_alter_table("debate_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debate_revisions_debate_id"), ["debate_id"], unique=False)
    op.execute(
        "INSERT INTO debate_revisions (debate_id, editor_id, created_at, changes) "
        "SELECT target_id, editor_id, created_at, changes FROM revisions "
        "WHERE target_type = 'debate' ORDER BY id")
    op.drop_table("revisions")
