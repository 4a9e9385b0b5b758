"""volunteer teams

The centre's volunteer teams, which claim micro-wishes and run volunteer activities.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "volunteer_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("name_zh", sa.String(80), nullable=False),
        sa.Column("name_en", sa.String(120), nullable=False),
        sa.Column("description_zh", sa.String(400), nullable=False),
        sa.Column("description_en", sa.String(600), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_volunteer_teams"),
        sa.UniqueConstraint("key", name="uq_volunteer_teams_key"),
    )


def downgrade() -> None:
    op.drop_table("volunteer_teams")
