"""Records from terminals, stored once per (terminal, id) however often and however concurrently sent."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.events import checkins
from server.feedback import items as feedback
from server.fleet.models import Record, Terminal

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


# Record kind -> what the server makes of newly stored records of that kind (check-ins, feedback items), in the
# transaction that stores them, so a record and what follows from it are committed together or not at all.
Projection = Callable[[Session, Terminal, list[dict]], None]
PROJECTIONS: dict[str, Projection] = {"checkin": checkins.project, "feedback": feedback.project}


def project_new(db: Session, terminal: Terminal, rows: list[dict], inserted: set[str]) -> None:
    """Hand each newly inserted row (never a duplicate) to the projection of its kind, in scan/creation order."""
    by_kind: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda row: row["created_at"]):
        if row["id"] in inserted and row["kind"] in PROJECTIONS:
            by_kind.setdefault(row["kind"], []).append(row)
    for kind, new_rows in by_kind.items():
        PROJECTIONS[kind](db, terminal, new_rows)
