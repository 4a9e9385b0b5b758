"""usage

The terminals' anonymous visits: raw visits and searches (kept 90 days), aggregates per terminal, day and hour
(kept for good), operators' actions on searches that found nothing, pinned popularity.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _at(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _terminal_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"], name=f"fk_{table}_terminal_id_terminals",
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "usage_visits",
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        _at("started_at"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("large_text", sa.Boolean(), nullable=False),
        sa.Column("ended", sa.String(10), nullable=False),
        _terminal_fk("usage_visits"),
        sa.PrimaryKeyConstraint("terminal_id", "record_id", name="pk_usage_visits"),
    )
    op.create_index("ix_usage_visits_day_terminal", "usage_visits", ["day", "terminal_id"])
    op.create_table(
        "usage_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        _at("started_at"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(100), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("top", sa.String(70), nullable=False),
        sa.Column("opened", sa.String(20), nullable=True),
        _terminal_fk("usage_searches"),
        sa.PrimaryKeyConstraint("id", name="pk_usage_searches"),
    )
    op.create_index("ix_usage_searches_query_day", "usage_searches", ["query", "day"])
    op.create_index("ix_usage_searches_day", "usage_searches", ["day"])
    op.create_table(
        "usage_hourly",
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "day", "hour", name="pk_usage_hourly"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "usage_counts",
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(20), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "day", "metric", "key", name="pk_usage_counts"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_usage_counts_metric_day", "usage_counts", ["metric", "day", "terminal_id", "count"])
    op.create_table(
        "usage_query_actions",
        sa.Column("query", sa.String(100), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("service_code", sa.String(20), nullable=True),
        _at("acted_at"),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("query", name="pk_usage_query_actions"),
    )
    op.create_table(
        "usage_popularity_pins",
        sa.Column("service_code", sa.String(20), nullable=False),
        sa.Column("popularity", sa.Integer(), nullable=False),
        _at("pinned_at"),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("service_code", name="pk_usage_popularity_pins"),
    )


def downgrade() -> None:
    for table in ("usage_popularity_pins", "usage_query_actions", "usage_counts", "usage_hourly", "usage_searches",
                  "usage_visits"):
        op.drop_table(table)
