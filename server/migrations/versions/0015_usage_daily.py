"""usage daily

Visits per terminal and local day in their own table (usage_daily), so the Usage page's visits per terminal read
one row per terminal and day by primary key instead of picking the "visits" rows out of usage_counts (where
SQLite's planner, seeing ~150 rows per terminal and day, scanned them all: 1.3 s at 1,000 terminals × 90 days).
The "visits" rows move out of usage_counts, and the index that served them goes (the popularity reads the
fleet's rows by primary key).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_daily",
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "day", name="pk_usage_daily"),
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO usage_daily (terminal_id, day, visits) "
               "SELECT terminal_id, day, count FROM usage_counts WHERE metric = 'visits'")
    op.execute("DELETE FROM usage_counts WHERE metric = 'visits'")
    op.drop_index("ix_usage_counts_metric_day", table_name="usage_counts")


def downgrade() -> None:
    op.create_index("ix_usage_counts_metric_day", "usage_counts", ["metric", "day", "terminal_id", "count"])
    op.execute("INSERT INTO usage_counts (terminal_id, day, metric, key, count) "
               "SELECT terminal_id, day, 'visits', '', visits FROM usage_daily")
    op.drop_table("usage_daily")
