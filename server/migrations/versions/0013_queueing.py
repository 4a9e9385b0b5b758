"""queueing

Queue numbers for the windows: window settings, per-day counters, numbers and calls.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    """A timestamp column (the models read and write it as timezone-aware UTC)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _window_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["queue_windows.id"], name=f"fk_{table}_{column}_queue_windows",
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "queue_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("letter", sa.String(1), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("staff", sa.String(80), nullable=False),
        sa.Column("opens", sa.String(5), nullable=False),
        sa.Column("closes", sa.String(5), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_queue_windows"),
        sa.UniqueConstraint("key", name="uq_queue_windows_key"),
        sa.UniqueConstraint("letter", name="uq_queue_windows_letter"),
    )
    op.create_table(
        "queue_counters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("letter", sa.String(1), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "letter", name="pk_queue_counters"),
    )
    op.create_table(
        "queue_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(8), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("first_window_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(32), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(11), nullable=True),
        sa.Column("token", sa.String(22), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        _at("taken_at"),
        _at("called_at", nullable=True),
        _at("finished_at", nullable=True),
        sa.Column("called_by", sa.String(80), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("feedback_item_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_queue_tickets"),
        _window_fk("queue_tickets", "window_id"),
        _window_fk("queue_tickets", "first_window_id"),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"], name="fk_queue_tickets_terminal_id_terminals",
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["feedback_item_id"], ["feedback_items.id"],
                                name="fk_queue_tickets_feedback_item_id_feedback_items", ondelete="SET NULL"),
        sa.UniqueConstraint("token", name="uq_queue_tickets_token"),
    )
    op.create_index("uq_queue_tickets_day_number", "queue_tickets", ["day", "number"], unique=True)
    op.create_index("ix_queue_tickets_window_status", "queue_tickets", ["window_id", "status", "id"])
    op.create_index("ix_queue_tickets_taken_at", "queue_tickets", ["taken_at"])
    op.create_table(
        "queue_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("recall", sa.Boolean(), nullable=False),
        _at("called_at"),
        sa.PrimaryKeyConstraint("id", name="pk_queue_calls"),
        sa.ForeignKeyConstraint(["ticket_id"], ["queue_tickets.id"], name="fk_queue_calls_ticket_id_queue_tickets",
                                ondelete="CASCADE"),
        _window_fk("queue_calls", "window_id"),
    )
    op.create_index("ix_queue_calls_ticket_id", "queue_calls", ["ticket_id"])


def downgrade() -> None:
    op.drop_table("queue_calls")
    op.drop_table("queue_tickets")
    op.drop_table("queue_counters")
    op.drop_table("queue_windows")
