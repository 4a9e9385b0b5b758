"""feedback

Feedback items from terminals (workflow, assignee, public reply, deadline) and their internal notes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    """A timestamp column (the models read and write it as timezone-aware UTC)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "feedback_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("tracking_number", sa.String(17), nullable=False),
        sa.Column("check_code_hash", sa.String(64), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("phone", sa.String(11), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        _at("submitted_at"),
        _at("received_at"),
        sa.Column("suppressed", sa.String(16), nullable=True),
        sa.Column("followup_due", sa.Date(), nullable=True),
        _at("due_at", nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("public_reply", sa.Text(), nullable=True),
        _at("replied_at", nullable=True),
        _at("updated_at"),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"], name="fk_feedback_items_terminal_id_terminals",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assignee_id"], ["admins.id"], name="fk_feedback_items_assignee_id_admins",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_items"),
        sa.UniqueConstraint("tracking_number", name="uq_feedback_items_tracking_number"),
    )
    op.create_index("uq_feedback_items_terminal_record", "feedback_items", ["terminal_id", "record_id"], unique=True)
    op.create_index("ix_feedback_items_status_received", "feedback_items", ["status", "received_at"])
    op.create_index("ix_feedback_items_category_received", "feedback_items", ["category", "received_at"])
    op.create_index("ix_feedback_items_rating", "feedback_items", ["rating"])
    op.create_index("ix_feedback_items_terminal_submitted", "feedback_items", ["terminal_id", "submitted_at"])
    op.create_index("ix_feedback_items_due_at", "feedback_items", ["due_at"])
    op.create_table(
        "feedback_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(["item_id"], ["feedback_items.id"], name="fk_feedback_notes_item_id_feedback_items",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_notes"),
    )
    op.create_index("ix_feedback_notes_item_id", "feedback_notes", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_notes_item_id", table_name="feedback_notes")
    op.drop_table("feedback_notes")
    for index in ("ix_feedback_items_due_at", "ix_feedback_items_terminal_submitted", "ix_feedback_items_rating",
                  "ix_feedback_items_category_received", "ix_feedback_items_status_received",
                  "uq_feedback_items_terminal_record"):
        op.drop_index(index, table_name="feedback_items")
    op.drop_table("feedback_items")
