"""Records from terminals, stored once per (terminal, id) however often and however concurrently sent."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.models import Record

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_new(db: Session, rows: list[dict]) -> set[str]:
    """Insert the rows not stored yet (INSERT … ON CONFLICT DO NOTHING); the ids actually inserted."""
    if not rows:
        return set()
    insert = _INSERT[db.get_bind().dialect.name]
    # One order for every batch, so two transactions inserting overlapping batches lock rows in the same order.
    ordered = sorted(rows, key=lambda row: row["id"])
    # The rows as parameters of one cached statement (SQLAlchemy sends them as a multi-row INSERT): building
    # the VALUES into the statement instead made every batch a new statement to compile, most of its cost.
    statement = insert(Record).on_conflict_do_nothing(index_elements=["terminal_id", "id"]).returning(Record.id)
    return set(db.scalars(statement, ordered))
