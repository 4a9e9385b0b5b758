"""A terminal sends its records in batches; each is accepted, a duplicate, or rejected on its own."""

from __future__ import annotations

from fastapi import APIRouter

from common import wire
from server.api.deps import CurrentTerminal, DbSession, Settings
from server.backups import resend
from server.core.clock import utcnow
from server.fleet import parked, records

router = APIRouter(prefix="/terminal/records", tags=["terminal"])


@router.post("")
def receive_records(body: wire.RecordBatch, terminal: CurrentTerminal, db: DbSession,
                    settings: Settings) -> wire.RecordBatchResult:
    now = utcnow()
    rows: list[dict] = []
    rejected: list[wire.RejectedRecord] = []
    refused: list[tuple[dict, str]] = []  # kept with their error for an administrator (server/fleet/parked.py)
    repeated: list[str] = []  # the same id twice in one batch: the second is a duplicate of the first
    seen: set[str] = set()
    for raw in body.records:
        try:
            record = records.checked(raw)
        except ValueError as exc:
            rejected.append(wire.RejectedRecord(id=str(raw.get("id", ""))[:100], error=str(exc)))
            refused.append((raw, str(exc)))
            continue
        if record.id in seen:
            repeated.append(record.id)
            continue
        seen.add(record.id)
        # A terminal's kept copy, sent again after a restore, holds personal fields sealed: stored opened.
        payload = resend.open_sealed_fields(settings, record.id, record.payload)
        rows.append(records.row(terminal.id, record, payload, now))
    inserted = records.store(db, terminal, rows)
    parked.park(db, terminal, refused, now)
    db.commit()  # stored for good before the terminal is told it may drop them
    return wire.RecordBatchResult(
        accepted=[row["id"] for row in rows if row["id"] in inserted],
        duplicates=[row["id"] for row in rows if row["id"] not in inserted] + repeated,
        rejected=rejected,
        record_seal_key=resend.public_record_key(settings),
    )

