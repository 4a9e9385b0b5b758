"""usage daily and query gaps

Two more aggregates, so that the Usage pages read rows sized by days and terminals, never by visits:
- usage_daily, visits per terminal and local day: the page's visits per terminal read one row per terminal and day
  by primary key instead of picking the "visits" rows out of usage_counts (where SQLite's planner, seeing ~150 rows
  per terminal and day, scanned them all: 1.3 s at 1,000 terminals x 90 days). The "visits" rows move out of
  usage_counts, and the index that served them goes (the popularity reads the fleet's rows by primary key).
- usage_query_gaps, searches that found nothing or whose results nobody opened per terminal, day and query (with
  group and fleet rollups like the other aggregates): the searches page no longer groups 90 days of raw searches.
  Filled from the raw searches still kept.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
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
    _create_query_gaps()


def _create_query_gaps() -> None:
    op.create_table(
        "usage_query_gaps",
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(100), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("no_results", sa.Integer(), nullable=False),
        sa.Column("unopened", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "day", "query", name="pk_usage_query_gaps"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_usage_query_gaps_query_terminal", "usage_query_gaps", ["query", "terminal_id", "day"])
    columns = "INSERT INTO usage_query_gaps (terminal_id, day, query, visits, no_results, unopened) "
    # Each terminal's rows from its raw searches (a visit is one terminal's), then the group's (the terminal's
    # group now) and the fleet's as their sums (the FLEET row is 0; a group's is its id negated).
    op.execute(columns + "SELECT terminal_id, day, query, count(DISTINCT record_id), "
               "sum(CASE WHEN results = 0 THEN 1 ELSE 0 END), sum(CASE WHEN results > 0 THEN 1 ELSE 0 END) "
               "FROM usage_searches WHERE results = 0 OR opened IS NULL GROUP BY terminal_id, day, query")
    summed = "sum(g.visits), sum(g.no_results), sum(g.unopened) FROM usage_query_gaps g"
    op.execute(columns + f"SELECT -t.group_id, g.day, g.query, {summed} JOIN terminals t ON t.id = g.terminal_id "
               "WHERE g.terminal_id > 0 AND t.group_id IS NOT NULL GROUP BY t.group_id, g.day, g.query")
    op.execute(columns + f"SELECT 0, g.day, g.query, {summed} WHERE g.terminal_id > 0 GROUP BY g.day, g.query")


def downgrade() -> None:
    op.drop_table("usage_query_gaps")
    op.create_index("ix_usage_counts_metric_day", "usage_counts", ["metric", "day", "terminal_id", "count"])
    op.execute("INSERT INTO usage_counts (terminal_id, day, metric, key, count) "
               "SELECT terminal_id, day, 'visits', '', visits FROM usage_daily")
    op.drop_table("usage_daily")
