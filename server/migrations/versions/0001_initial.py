"""initial schema

Admins, terminals and enrolment, configuration layers, catalogue, heartbeats, commands, records, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    """A timestamp column (the models read and write it as timezone-aware UTC)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _terminal_fk(table: str, nullable: bool = False) -> list:
    return [
        sa.Column("terminal_id", sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"], name=f"fk_{table}_terminal_id_terminals",
                                ondelete="CASCADE"),
    ]


def upgrade() -> None:
    op.create_table(
        "admins",
        _id(),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        _at("locked_until", nullable=True),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_admins"),
        sa.UniqueConstraint("username", name="uq_admins_username"),
    )
    op.create_table(
        "admin_tokens",
        _id(),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        sa.ForeignKeyConstraint(["admin_id"], ["admins.id"], name="fk_admin_tokens_admin_id_admins", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_admin_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_admin_tokens_token_hash"),
    )
    op.create_index("ix_admin_tokens_admin_id", "admin_tokens", ["admin_id"])

    op.create_table(
        "terminal_groups",
        _id(),
        sa.Column("name", sa.String(60), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_terminal_groups"),
        sa.UniqueConstraint("name", name="uq_terminal_groups_name"),
    )
    op.create_table(
        "terminals",
        _id(),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("location", sa.String(120), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=True),
        _at("created_at"),
        _at("enrolled_at", nullable=True),
        _at("revoked_at", nullable=True),
        _at("last_seen_at", nullable=True),
        sa.Column("heartbeat_seconds", sa.Integer(), nullable=True),
        sa.Column("app_version", sa.String(40), nullable=True),
        _at("last_sync_at", nullable=True),
        sa.Column("outbox_depth", sa.Integer(), nullable=True),
        sa.Column("parked_count", sa.Integer(), nullable=True),
        sa.Column("free_disk_bytes", sa.BigInteger(), nullable=True),
        sa.Column("peripherals", sa.JSON(), nullable=True),
        sa.Column("current_screen", sa.String(40), nullable=True),
        sa.Column("config_version_applied", sa.Integer(), nullable=True),
        sa.Column("config_error", sa.Text(), nullable=True),
        sa.Column("in_service", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["terminal_groups.id"], name="fk_terminals_group_id_terminal_groups"),
        sa.PrimaryKeyConstraint("id", name="pk_terminals"),
        sa.UniqueConstraint("token_hash", name="uq_terminals_token_hash"),
    )
    op.create_index("ix_terminals_group_id", "terminals", ["group_id"])

    op.create_table(
        "enrolment_codes",
        _id(),
        sa.Column("code_hash", sa.String(64), nullable=False),
        *_terminal_fk("enrolment_codes"),
        sa.Column("created_by", sa.String(80), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        _at("used_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_enrolment_codes"),
        sa.UniqueConstraint("code_hash", name="uq_enrolment_codes_code_hash"),
    )
    op.create_index("ix_enrolment_codes_terminal_id", "enrolment_codes", ["terminal_id"])

    op.create_table(
        "pairings",
        _id(),
        sa.Column("code", sa.String(6), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("app_version", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        *_terminal_fk("pairings", nullable=True),
        sa.Column("approved_by", sa.String(80), nullable=True),
        _at("credential_delivered_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pairings"),
        sa.UniqueConstraint("code", name="uq_pairings_code"),
    )
    op.create_table(
        "config_layers",
        _id(),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("target", sa.String(60), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("comment", sa.String(500), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_config_layers"),
    )
    op.create_index("ix_config_layers_scope_target", "config_layers", ["scope", "target", "id"])

    op.create_table(
        "audit_log",
        _id(),
        _at("at"),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(80), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])

    op.create_table(
        "catalogue_versions",
        _id(),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("etag", sa.String(64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("service_count", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(80), nullable=False),
        _at("imported_at"),
        sa.PrimaryKeyConstraint("id", name="pk_catalogue_versions"),
    )
    op.create_table(
        "heartbeat_log",
        _id(),
        *_terminal_fk("heartbeat_log"),
        _at("received_at"),
        sa.Column("heartbeat", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_heartbeat_log"),
    )
    op.create_index("ix_heartbeat_log_terminal", "heartbeat_log", ["terminal_id", "id"])

    op.create_table(
        "outages",
        _id(),
        *_terminal_fk("outages"),
        _at("went_down_at"),
        _at("came_back_at"),
        sa.PrimaryKeyConstraint("id", name="pk_outages"),
    )
    op.create_index("ix_outages_terminal_id", "outages", ["terminal_id"])

    op.create_table(
        "commands",
        _id(),
        *_terminal_fk("commands"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        _at("delivered_at", nullable=True),
        _at("finished_at", nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_commands"),
    )
    op.create_index("ix_commands_terminal_status", "commands", ["terminal_id", "status"])

    op.create_table(
        "screenshots",
        sa.Column("command_id", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        _at("received_at"),
        sa.ForeignKeyConstraint(["command_id"], ["commands.id"], name="fk_screenshots_command_id_commands",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("command_id", name="pk_screenshots"),
    )
    op.create_table(
        "records",
        *_terminal_fk("records"),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _at("created_at"),
        _at("received_at"),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("terminal_id", "id", name="pk_records"),
    )
    op.create_index("ix_records_kind", "records", ["kind"])
    op.create_index("ix_records_received_at", "records", ["received_at"])


def downgrade() -> None:
    for table in ("records", "screenshots", "commands", "outages", "heartbeat_log", "catalogue_versions",
                  "audit_log", "config_layers", "pairings", "enrolment_codes", "terminals", "terminal_groups",
                  "admin_tokens", "admins"):
        op.drop_table(table)
