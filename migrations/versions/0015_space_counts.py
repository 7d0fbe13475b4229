"""space_counts: counters kept on the space (its visible debates, published proposals...),
changed with the item in the same transaction instead of counted on every request

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 05:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Back-fill from the rows, counting exactly what decide.debates.queries.is_counted and
# decide.proposals.queries.is_counted count (tests/proposals/test_counts.py runs these).
BACKFILL = (
    "INSERT INTO space_counts (space_id, name, count) "
    "SELECT space_id, 'debates', count(*) FROM debates "
    "WHERE hidden_at IS NULL GROUP BY space_id",
    "INSERT INTO space_counts (space_id, name, count) "
    "SELECT space_id, 'proposals', count(*) FROM proposals "
    "WHERE published_at IS NOT NULL AND hidden_at IS NULL GROUP BY space_id",
)


def upgrade():
    op.create_table(
        "space_counts",
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"],
                                name=op.f("fk_space_counts_space_id_spaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("space_id", "name", name=op.f("pk_space_counts")),
    )
    for statement in BACKFILL:
        op.execute(statement)

def downgrade():
    op.drop_table("space_counts")
