"""wishes

The micro-wish wall: wishes from review to fulfilment, and their fulfilment photos.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "wishes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("feedback_item_id", sa.Integer(), nullable=True),
        sa.Column("tracking_number", sa.String(17), nullable=False),
        sa.Column("check_code_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("poster_phone", sa.String(11), nullable=True),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("for_whom", sa.String(60), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("assigned_team_id", sa.Integer(), nullable=True),
        sa.Column("claim_team_id", sa.Integer(), nullable=True),
        sa.Column("claim_name", sa.String(80), nullable=True),
        sa.Column("claim_phone", sa.String(11), nullable=True),
        sa.Column("claim_token_hash", sa.String(64), nullable=True),
        _when("claimed_at", True),
        sa.Column("fulfil_note", sa.Text(), nullable=True),
        _when("fulfilled_at", True),
        _when("posted_at"),
        _when("published_at", True),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_wishes"),
        sa.ForeignKeyConstraint(["feedback_item_id"], ["feedback_items.id"],
                                name="fk_wishes_feedback_item_id_feedback_items", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["assigned_team_id"], ["volunteer_teams.id"],
                                name="fk_wishes_assigned_team_id_volunteer_teams", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["claim_team_id"], ["volunteer_teams.id"],
                                name="fk_wishes_claim_team_id_volunteer_teams", ondelete="SET NULL"),
        sa.UniqueConstraint("feedback_item_id", name="uq_wishes_feedback_item_id"),
        sa.UniqueConstraint("tracking_number", name="uq_wishes_tracking_number"),
        sa.UniqueConstraint("claim_token_hash", name="uq_wishes_claim_token_hash"),
    )
    op.create_index("ix_wishes_status_posted", "wishes", ["status", "posted_at"])
    op.create_table(
        "wish_photos",
        sa.Column("wish_id", sa.Integer(), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("wish_id", name="pk_wish_photos"),
        sa.ForeignKeyConstraint(["wish_id"], ["wishes.id"], name="fk_wish_photos_wish_id_wishes", ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("wish_photos")
    op.drop_index("ix_wishes_status_posted", table_name="wishes")
    op.drop_table("wishes")
