"""building matters

Matters (楼事楼议) with their progress notes, the joint meetings and their decisions, and the versions of the
building convention.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    """A timestamp column (the models read and write it as timezone-aware UTC)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "matter_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(120), nullable=False),
        _text("attendees"),
        _text("minutes"),
        _at("created_at"),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_matter_meetings"),
    )
    op.create_table(
        "matters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        _text("description"),
        sa.Column("raised_by", sa.String(60), nullable=False),
        sa.Column("raised_via", sa.String(16), nullable=False),
        sa.Column("feedback_item_id", sa.Integer(), nullable=True),
        sa.Column("unit_kind", sa.String(16), nullable=False),
        sa.Column("unit_name", sa.String(80), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        _text("resolution"),
        _text("decline_reason"),
        _at("raised_at"),
        _at("resolved_at", nullable=True),
        _at("updated_at"),
        sa.ForeignKeyConstraint(["feedback_item_id"], ["feedback_items.id"],
                                name="fk_matters_feedback_item_id_feedback_items", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["meeting_id"], ["matter_meetings.id"],
                                name="fk_matters_meeting_id_matter_meetings", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_matters"),
        sa.UniqueConstraint("feedback_item_id", name="uq_matters_feedback_item_id"),
    )
    op.create_index("ix_matters_status_deadline", "matters", ["status", "deadline"])
    op.create_table(
        "matter_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        _text("text"),
        sa.Column("public", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name="fk_matter_notes_matter_id_matters",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_matter_notes"),
    )
    op.create_index("ix_matter_notes_matter_id", "matter_notes", ["matter_id"])
    op.create_table(
        "matter_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        _text("decision"),
        sa.Column("unit_kind", sa.String(16), nullable=False),
        sa.Column("unit_name", sa.String(80), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("author", sa.String(80), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(["meeting_id"], ["matter_meetings.id"],
                                name="fk_matter_decisions_meeting_id_matter_meetings", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"], name="fk_matter_decisions_matter_id_matters",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_matter_decisions"),
    )
    op.create_index("ix_matter_decisions_meeting_id", "matter_decisions", ["meeting_id"])
    op.create_index("ix_matter_decisions_matter_id", "matter_decisions", ["matter_id"])
    op.create_table(
        "convention_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        _text("preamble"),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("comment", sa.String(200), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_convention_versions"),
    )


def downgrade() -> None:
    op.drop_table("convention_versions")
    op.drop_index("ix_matter_decisions_matter_id", table_name="matter_decisions")
    op.drop_index("ix_matter_decisions_meeting_id", table_name="matter_decisions")
    op.drop_table("matter_decisions")
    op.drop_index("ix_matter_notes_matter_id", table_name="matter_notes")
    op.drop_table("matter_notes")
    op.drop_index("ix_matters_status_deadline", table_name="matters")
    op.drop_table("matters")
    op.drop_table("matter_meetings")
