"""releases

Kiosk releases (the archive kept in the database), their staged rollouts, and the terminals' update reports;
the recent logs terminals upload for the upload_logs command.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    """A timestamp column (the models read and write it as timezone-aware UTC)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(80), nullable=False),
        _at("uploaded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_releases"),
        sa.UniqueConstraint("version", name="uq_releases_version"),
    )
    op.create_table(
        "rollouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("target", sa.String(60), nullable=False),
        sa.Column("canary_terminal_id", sa.Integer(), nullable=False),
        sa.Column("canary_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("halted_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(80), nullable=False),
        _at("created_at"),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], name="fk_rollouts_release_id_releases",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["canary_terminal_id"], ["terminals.id"],
                                name="fk_rollouts_canary_terminal_id_terminals", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_rollouts"),
    )
    op.create_index("ix_rollouts_release_id", "rollouts", ["release_id"])
    op.create_table(
        "update_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("rollout_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _at("reported_at"),
        _at("received_at"),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"], name="fk_update_reports_terminal_id_terminals",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rollout_id"], ["rollouts.id"], name="fk_update_reports_rollout_id_rollouts",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_update_reports"),
    )
    op.create_index("ix_update_reports_terminal_id", "update_reports", ["terminal_id"])
    op.create_index("ix_update_reports_rollout_id", "update_reports", ["rollout_id"])
    op.create_table(
        "command_logs",
        sa.Column("command_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("received_at"),
        sa.ForeignKeyConstraint(["command_id"], ["commands.id"], name="fk_command_logs_command_id_commands",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("command_id", name="pk_command_logs"),
    )


def downgrade() -> None:
    op.drop_table("command_logs")
    op.drop_table("update_reports")
    op.drop_table("rollouts")
    op.drop_table("releases")
