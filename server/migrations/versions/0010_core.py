"""core

Rate limiters' attempts in the database, so that every server process counts against one limit; the counts of
what retention deleted.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(40), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rate_limit_hits"),
    )
    op.create_index("ix_rate_limit_hits_scope_key_at", "rate_limit_hits", ["scope", "key", "at"])
    op.create_index("ix_rate_limit_hits_at", "rate_limit_hits", ["at"])
    op.create_table(
        "pruned_counts",
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "day", name="pk_pruned_counts"),
    )


def downgrade() -> None:
    op.drop_table("pruned_counts")
    op.drop_table("rate_limit_hits")
