"""A terminal sends its records in batches; each is accepted, a duplicate, or rejected on its own."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import ValidationError

from common import wire
from server.api.deps import CurrentTerminal, DbSession, Settings
from server.backups import resend
from server.core.canonical import canonical_json
from server.core.clock import as_utc, utcnow
from server.fleet import records

router = APIRouter(prefix="/terminal/records", tags=["terminal"])


@router.post("")
def receive_records(body: wire.RecordBatch, terminal: CurrentTerminal, db: DbSession,
                    settings: Settings) -> wire.RecordBatchResult:
    now = utcnow()
    rows: list[dict] = []
    rejected: list[wire.RejectedRecord] = []
    repeated: list[str] = []  # the same id twice in one batch: the second is a duplicate of the first
    seen: set[str] = set()
    for raw in body.records:
        try:
            record = _checked(raw)
        except ValueError as exc:
            rejected.append(wire.RejectedRecord(id=str(raw.get("id", ""))[:100], error=str(exc)))
            continue
        if record.id in seen:
            repeated.append(record.id)
            continue
        seen.add(record.id)
        # A terminal's kept copy, sent again after a restore, holds personal fields sealed: stored opened.
        payload = resend.open_sealed_fields(settings, record.id, record.payload)
        rows.append({"terminal_id": terminal.id, "id": record.id, "kind": record.kind,
                     "created_at": as_utc(record.created_at), "received_at": now, "payload": payload})
    inserted = records.insert_new(db, rows)
    records.project_new(db, terminal, rows, inserted)
    db.commit()  # stored for good before the terminal is told it may drop them
    return wire.RecordBatchResult(
        accepted=[row["id"] for row in rows if row["id"] in inserted],
        duplicates=[row["id"] for row in rows if row["id"] not in inserted] + repeated,
        rejected=rejected,
        record_seal_key=resend.public_record_key(settings),
    )


def _checked(raw: dict) -> wire.Record:
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
