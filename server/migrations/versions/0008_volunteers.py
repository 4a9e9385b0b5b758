"""volunteers

Team members, volunteer activities (events run by a team: a second scan checks out) and edited hours.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "volunteer_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("phone", sa.String(11), nullable=False),
        sa.Column("organisation", sa.String(120), nullable=False),
        sa.Column("leader", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["volunteer_teams.id"], name="fk_volunteer_members_team_id_volunteer_teams",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_volunteer_members"),
        sa.UniqueConstraint("phone", name="uq_volunteer_members_phone"),
    )
    op.create_index("ix_volunteer_members_team_id", "volunteer_members", ["team_id"])
    op.create_table(
        "volunteer_hours_edits",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("edited_by", sa.String(80), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name="fk_volunteer_hours_edits_registration_id_registrations", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("registration_id", name="pk_volunteer_hours_edits"),
    )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("volunteer_team_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_events_volunteer_team_id_volunteer_teams", "volunteer_teams",
                                 ["volunteer_team_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_events_volunteer_team_id", ["volunteer_team_id"])


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_volunteer_team_id")
        batch.drop_constraint("fk_events_volunteer_team_id_volunteer_teams", type_="foreignkey")
        batch.drop_column("volunteer_team_id")
    op.drop_table("volunteer_hours_edits")
    op.drop_index("ix_volunteer_members_team_id", table_name="volunteer_members")
    op.drop_table("volunteer_members")
