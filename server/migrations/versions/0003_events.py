"""event check-in

Ticket signing keys, events and where they are offered, registrations (tickets), check-ins.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    """A timestamp column (the models read and write it as timezone-aware UTC)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "ticket_keys",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sealed_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        _at("created_at"),
        _at("retired_at", nullable=True),
        _at("withdrawn_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_keys"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.String(200), nullable=False),
        sa.Column("title_en", sa.String(200), nullable=False),
        sa.Column("organiser", sa.String(120), nullable=False),
        sa.Column("place", sa.String(120), nullable=False),
        _at("starts_at"),
        _at("ends_at"),
        _at("opens_at"),
        _at("closes_at"),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("all_terminals", sa.Boolean(), nullable=False),
        sa.Column("self_registration", sa.Boolean(), nullable=False),
        sa.Column("phone_secret", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        _at("created_at"),
        _at("updated_at"),
        _at("cancelled_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_table(
        "event_terminals",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_event_terminals_event_id_events",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"], name="fk_event_terminals_terminal_id_terminals",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "terminal_id", name="pk_event_terminals"),
    )
    op.create_table(
        "event_groups",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_event_groups_event_id_events",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["terminal_groups.id"],
                                name="fk_event_groups_group_id_terminal_groups", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "group_id", name="pk_event_groups"),
    )
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("phone", sa.String(11), nullable=False),
        sa.Column("organisation", sa.String(120), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("page_token", sa.String(64), nullable=False),
        sa.Column("sealed_name", sa.Text(), nullable=False),
        _at("created_at"),
        _at("revoked_at", nullable=True),
        sa.Column("revoked_by", sa.String(80), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_registrations_event_id_events",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["key_id"], ["ticket_keys.id"], name="fk_registrations_key_id_ticket_keys"),
        sa.PrimaryKeyConstraint("id", name="pk_registrations"),
        sa.UniqueConstraint("ticket_id", name="uq_registrations_ticket_id"),
        sa.UniqueConstraint("page_token", name="uq_registrations_page_token"),
    )
    op.create_index("ix_registrations_event_id", "registrations", ["event_id"])
    op.create_index("ix_registrations_revoked_at", "registrations", ["revoked_at"])
    op.create_index("uq_registrations_event_phone", "registrations", ["event_id", "phone"], unique=True)
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=True),
        sa.Column("terminal_name", sa.String(60), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.BigInteger(), nullable=True),
        _at("scanned_at"),
        _at("received_at"),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("terminal_verdict", sa.String(20), nullable=False),
        sa.Column("server_verdict", sa.String(20), nullable=False),
        sa.Column("flag", sa.String(16), nullable=True),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"], name="fk_checkins_terminal_id_terminals",
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_checkins"),
    )
    op.create_index("uq_checkins_terminal_record", "checkins", ["terminal_id", "record_id"], unique=True)
    op.create_index("ix_checkins_ticket_scanned", "checkins", ["ticket_id", "scanned_at"])
    op.create_index("ix_checkins_event_scanned", "checkins", ["event_id", "scanned_at"])


def downgrade() -> None:
    for table in ("checkins", "registrations", "event_groups", "event_terminals", "events", "ticket_keys"):
        op.drop_table(table)
