"""content_versions: a number per space (and one for the deployment) moved by every write a
signed-out visitor could see, in the write's transaction; the page cache keys pages by it

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 06:40:00

"""
from alembic import op
import sqlalchemy as sa

from decide.core.db import UTCDateTime


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_versions",
        sa.Column("scope", sa.Integer(), autoincrement=False, nullable=False,
                  comment="0: the deployment; else spaces.id"),
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False,
                  comment="0..SHARDS-1; the scope's version is the sum"),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "shard", name=op.f("pk_content_versions")),
    )


def downgrade():
    op.drop_table("content_versions")
