"""operations

Backups and restores (with the terminals that re-sent their kept records), metrics tokens, the alert
configuration, alerts and their deliveries, and terminal events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    """A timestamp column (the models read and write it as timezone-aware UTC)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _terminal_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"], name=f"fk_{table}_terminal_id_terminals",
                                   ondelete="CASCADE")


def upgrade() -> None:
    with op.batch_alter_table("terminals") as terminals:
        terminals.add_column(sa.Column("free_memory_bytes", sa.BigInteger(), nullable=True))
    op.create_table(
        "backups",
        sa.Column("id", sa.Integer(), nullable=False),
        _at("taken_at"),
        _at("finished_at", nullable=True),
        sa.Column("location", sa.String(500), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("schema_version", sa.String(32), nullable=False),
        sa.Column("slot", sa.String(20), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_backups"),
        sa.UniqueConstraint("slot", name="uq_backups_slot"),
    )
    op.create_table(
        "restores",
        sa.Column("id", sa.Integer(), nullable=False),
        _at("backup_taken_at"),
        _at("restored_at"),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("schema_version", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_restores"),
    )
    op.create_table(
        "terminal_resends",
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("restore_id", sa.Integer(), nullable=False),
        _at("acknowledged_at"),
        _terminal_fk("terminal_resends"),
        sa.ForeignKeyConstraint(["restore_id"], ["restores.id"], name="fk_terminal_resends_restore_id_restores",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("terminal_id", "restore_id", name="pk_terminal_resends"),
    )
    op.create_table(
        "metrics_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _at("created_at"),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_metrics_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_metrics_tokens_token_hash"),
    )
    op.create_table(
        "alert_config",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        _at("updated_at"),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_config"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        _at("started_at"),
        _at("resolved_at", nullable=True),
        _at("start_notified_at", nullable=True),
        _at("resolve_notified_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
    )
    op.create_index("ix_alerts_rule_subject", "alerts", ["rule", "subject", "resolved_at"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        _at("sent_at"),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name="fk_alert_deliveries_alert_id_alerts",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_alert_deliveries"),
    )
    op.create_index("ix_alert_deliveries_alert_id", "alert_deliveries", ["alert_id"])
    op.create_table(
        "terminal_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        _at("occurred_at"),
        sa.Column("detail", sa.String(200), nullable=False),
        _terminal_fk("terminal_events"),
        sa.PrimaryKeyConstraint("id", name="pk_terminal_events"),
    )
    op.create_index("ix_terminal_events_terminal", "terminal_events", ["terminal_id", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_terminal_events_terminal", table_name="terminal_events")
    op.drop_table("terminal_events")
    op.drop_index("ix_alert_deliveries_alert_id", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alerts_rule_subject", table_name="alerts")
    for table in ("alerts", "alert_config", "metrics_tokens", "terminal_resends", "restores", "backups"):
        op.drop_table(table)
    with op.batch_alter_table("terminals") as terminals:
        terminals.drop_column("free_memory_bytes")
