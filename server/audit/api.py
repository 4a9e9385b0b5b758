"""The audit log for administrators: who changed what, when, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from server.api.deps import CurrentStaff, DbSession
from server.fleet.models import AuditEntry
from server.fleet.schemas import AuditRecord

router = APIRouter(prefix="/admin/audit", tags=["admin"])


@router.get("")
def audit_log(staff: CurrentStaff, db: DbSession, limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> list[AuditRecord]:
    rows = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))
    return [AuditRecord(id=e.id, at=e.at, actor=e.actor, action=e.action, target=e.target, detail=e.detail)
            for e in rows]
