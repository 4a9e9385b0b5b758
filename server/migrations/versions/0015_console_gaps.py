"""console gaps

A pairing refused by an administrator keeps the reason its kiosk shows; the records the server refused to store
are kept with their error (parked) until an administrator retries or discards them; the counts of pruned rows
keep what the statistics group them by (``key``: feedback by category, terminal and rating, check-ins by event
and verdict).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pairings") as batch:
        batch.add_column(sa.Column("rejection_reason", sa.String(200), nullable=True))
    op.create_table(
        "parked_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terminal_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("record", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(2000), nullable=False),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("resolved_by", sa.String(80), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discard_reason", sa.String(500), nullable=True),
        sa.ForeignKeyConstraint(["terminal_id"], ["terminals.id"], name="fk_parked_records_terminal_id_terminals",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_parked_records"),
        sa.UniqueConstraint("terminal_id", "record_id", name="uq_parked_records_terminal_record"),
    )
    op.create_index("ix_parked_records_status", "parked_records", ["status", "parked_at"])
    with op.batch_alter_table("pruned_counts") as batch:
        batch.add_column(sa.Column("key", sa.String(120), nullable=False, server_default=""))
        batch.drop_constraint("pk_pruned_counts", type_="primary")
        batch.create_primary_key("pk_pruned_counts", ["kind", "day", "key"])


def downgrade() -> None:
    # The counts by key fold back into one count per kind and day.
    op.execute("CREATE TABLE pruned_counts_folded AS SELECT kind, day, SUM(count) AS count FROM pruned_counts"
               " GROUP BY kind, day")
    op.execute("DELETE FROM pruned_counts")
    with op.batch_alter_table("pruned_counts") as batch:
        batch.drop_constraint("pk_pruned_counts", type_="primary")
        batch.drop_column("key")
        batch.create_primary_key("pk_pruned_counts", ["kind", "day"])
    op.execute("INSERT INTO pruned_counts (kind, day, count) SELECT kind, day, count FROM pruned_counts_folded")
    op.drop_table("pruned_counts_folded")
    op.drop_index("ix_parked_records_status", table_name="parked_records")
    op.drop_table("parked_records")
    with op.batch_alter_table("pairings") as batch:
        batch.drop_column("rejection_reason")
