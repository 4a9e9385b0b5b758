"""Parked records: those a terminal sent and the server refused to store (they did not match the wire model,
e.g. a kind this server does not know yet), kept with the error. The terminal parks its own copy and carries on;
an administrator retries one here (after an upgrade that accepts it) or discards it with a reason, both audited.

The functions change the session and never commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit.log import audit
from server.backups import resend
from server.core.canonical import canonical_json
from server.core.config import ServerSettings
from server.core.db import dialect_insert
from server.fleet import records
from server.fleet.models import ParkedRecord, Terminal

# A refused record is kept whole up to this size (a payload may be 16 KiB; a record far larger is junk): larger
# ones are listed with their error but cannot be retried.
MAX_KEPT_BYTES = 64 * 1024
DISCARD_REASON_MAX = 500


class NotParked(Exception):
    """The record was retried or discarded already (by someone else a moment ago, or in another tab)."""


def park(db: Session, terminal: Terminal, refused: list[tuple[dict[str, Any], str]], now: datetime) -> None:
    """Keep each refused record with its error; the same record refused again (sent again) updates its row."""
    for raw, error in refused:
        values = {"terminal_id": terminal.id, "record_id": str(raw.get("id", ""))[:100],
                  "kind": str(raw.get("kind", ""))[:40], "record": _kept(raw), "error": error[:2000],
                  "parked_at": now, "status": "parked"}
        insert = dialect_insert(db, ParkedRecord).values(**values)
        db.execute(insert.on_conflict_do_update(
            index_elements=["terminal_id", "record_id"],
            set_={"kind": values["kind"], "record": values["record"], "error": values["error"], "parked_at": now,
                  "status": "parked", "resolved_by": None, "resolved_at": None, "discard_reason": None}))


def _kept(raw: dict[str, Any]) -> dict[str, Any] | None:
    try:
        size = len(canonical_json(raw))
    except ValueError:  # NaN or infinity: not JSON the database can keep
        return None
    return raw if size <= MAX_KEPT_BYTES else None


def waiting(db: Session, limit: int) -> list[ParkedRecord]:
    """The records still parked, newest first."""
    return list(db.scalars(select(ParkedRecord).where(ParkedRecord.status == "parked")
                           .order_by(ParkedRecord.parked_at.desc(), ParkedRecord.id.desc()).limit(limit)))


def resolved(db: Session, limit: int) -> list[ParkedRecord]:
    """The latest records retried into the store or discarded, newest first."""
    return list(db.scalars(select(ParkedRecord).where(ParkedRecord.status != "parked")
                           .order_by(ParkedRecord.resolved_at.desc(), ParkedRecord.id.desc()).limit(limit)))


def locked(db: Session, parked_id: int) -> ParkedRecord | None:
    """The parked record, its row locked until commit; None if there is none."""
    return db.get(ParkedRecord, parked_id, with_for_update=True)


def retry(db: Session, parked: ParkedRecord, settings: ServerSettings, actor: str, now: datetime) -> str | None:
    """Check the record again and store it if it passes now; None when stored (or stored already), else the
    error it is refused with this time (it stays parked, with that error)."""
    _still_parked(parked)
    if parked.record is None:
        return parked.error
    try:
        record = records.checked(parked.record)
    except ValueError as exc:
        parked.error = str(exc)[:2000]
        audit(db, actor, "record.retry_refused", _target(parked), error=parked.error)
        return parked.error
    terminal = db.get(Terminal, parked.terminal_id)
    assert terminal is not None  # parked records are deleted with their terminal
    payload = resend.open_sealed_fields(settings, record.id, record.payload)
    stored = records.store(db, terminal, [records.row(terminal.id, record, payload, now)])
    _resolve(parked, "stored", actor, now)
    audit(db, actor, "record.retry_stored", _target(parked), kind=record.kind, duplicate=record.id not in stored)
    return None


def discard(db: Session, parked: ParkedRecord, reason: str, actor: str, now: datetime) -> None:
    _still_parked(parked)
    _resolve(parked, "discarded", actor, now)
    parked.discard_reason = reason
    audit(db, actor, "record.discard", _target(parked), kind=parked.kind, error=parked.error, reason=reason)


def _still_parked(parked: ParkedRecord) -> None:
    if parked.status != "parked":
        raise NotParked(f"parked record {parked.id} is {parked.status} already")


def _resolve(parked: ParkedRecord, status: str, actor: str, now: datetime) -> None:
    parked.status, parked.resolved_by, parked.resolved_at = status, actor, now


def _target(parked: ParkedRecord) -> str:
    return f"record:{parked.terminal_id}:{parked.record_id}"
