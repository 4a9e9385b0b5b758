"""Records from terminals, stored once per (terminal, id) however often and however concurrently sent, and handed
to the projection their kind's domain registered (check-ins, feedback items).

The record store imports no domain: each registers its projection at start-up (server/projections.py, called by
create_app and by the CLI), so the domains may import the store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from common import wire
from server.core.canonical import canonical_json
from server.core.clock import as_utc
from server.core.db import dialect_insert
from server.fleet.models import Record, Terminal


def checked(raw: dict) -> wire.Record:
    """The record as the wire model has it; ``ValueError`` saying why a record is refused (kept as its error)."""
    try:
        record = wire.Record.model_validate(raw)
    except ValidationError as exc:
        raise ValueError("; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors(include_url=False)
        )) from None
    size = len(canonical_json(record.payload))
    if size > wire.MAX_RECORD_PAYLOAD_BYTES:
        raise ValueError(f"payload: {size} bytes, more than {wire.MAX_RECORD_PAYLOAD_BYTES}")
    return record


def row(terminal_id: int, record: wire.Record, payload: dict[str, Any], now: datetime) -> dict:
    """The ``records`` row of a checked record (its payload as stored: sealed fields opened)."""
    return {"terminal_id": terminal_id, "id": record.id, "kind": record.kind, "created_at": as_utc(record.created_at),
            "received_at": now, "payload": payload}


def store(db: Session, terminal: Terminal, rows: list[dict]) -> set[str]:
    """Store the rows not stored yet and hand them to their projections; the ids newly stored."""
    inserted = insert_new(db, rows)
    project_new(db, terminal, rows, inserted)
    return inserted


def insert_new(db: Session, rows: list[dict]) -> set[str]:
    """Insert the rows not stored yet (INSERT … ON CONFLICT DO NOTHING); the ids actually inserted."""
    if not rows:
        return set()
    # One order for every batch, so two transactions inserting overlapping batches lock rows in the same order.
    ordered = sorted(rows, key=lambda row: row["id"])
    # The rows as parameters of one cached statement (SQLAlchemy sends them as a multi-row INSERT): building
    # the VALUES into the statement instead made every batch a new statement to compile, most of its cost.
    statement = (dialect_insert(db, Record).on_conflict_do_nothing(index_elements=["terminal_id", "id"])
                 .returning(Record.id))
    return set(db.scalars(statement, ordered))


# Record kind -> what the server makes of newly stored records of that kind (check-ins, feedback items), in the
# transaction that stores them, so a record and what follows from it are committed together or not at all.
Projection = Callable[[Session, Terminal, list[dict]], None]
_PROJECTIONS: dict[str, Projection] = {}
# Kinds the server only stores: no projection is expected for them.
STORED_ONLY_KINDS = frozenset({"diagnostic"})


def register_projection(kind: str, projection: Projection) -> None:
    """``projection`` receives every newly stored record of ``kind``. Registering the same one again is harmless
    (every app made in one process registers); a second, different projection for a kind is a mistake."""
    registered = _PROJECTIONS.setdefault(kind, projection)
    if registered is not projection:
        raise ValueError(f"record kind {kind!r} has a projection already: {registered.__qualname__}")


def projection_for(kind: str) -> Projection | None:
    """The projection of ``kind``; None for a kind only stored. A kind with neither is refused loudly: its records
    would be stored without what follows from them (the projections were not registered)."""
    projection = _PROJECTIONS.get(kind)
    if projection is None and kind not in STORED_ONLY_KINDS:
        raise LookupError(f"no projection registered for record kind {kind!r} (server.projections not run?)")
    return projection


def project_new(db: Session, terminal: Terminal, rows: list[dict], inserted: set[str]) -> None:
    """Hand each newly inserted row (never a duplicate) to the projection of its kind, in scan/creation order."""
    by_kind: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda row: row["created_at"]):
        if row["id"] in inserted:
            by_kind.setdefault(row["kind"], []).append(row)
    for kind, new_rows in by_kind.items():
        projection = projection_for(kind)
        if projection is not None:
            projection(db, terminal, new_rows)
