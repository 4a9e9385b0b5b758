"""Records the terminals sent (check-ins, feedback, diagnostics), newest first, for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from common import wire
from server.api.deps import CurrentStaff, DbSession
from server.fleet import schemas
from server.fleet.models import Record

router = APIRouter(prefix="/admin/records", tags=["admin"])


@router.get("")
def list_records(staff: CurrentStaff, db: DbSession, kind: wire.RecordKind | None = None,
                 terminal_id: wire.Id | None = None,
                 limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[schemas.StoredRecord]:
    query = select(Record).order_by(Record.received_at.desc(), Record.id).limit(limit)
    if kind is not None:
        query = query.where(Record.kind == kind)
    if terminal_id is not None:
        query = query.where(Record.terminal_id == terminal_id)
    return [schemas.StoredRecord(id=r.id, terminal_id=r.terminal_id, kind=r.kind, created_at=r.created_at,
                                 received_at=r.received_at, payload=r.payload) for r in db.scalars(query)]
