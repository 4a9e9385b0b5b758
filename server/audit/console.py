"""The audit log: who changed what, when, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from server.api.deps import DbSession
from server.fleet.models import AuditEntry
from server.web.sessions import ConsoleStaff
from server.web.templating import render

router = APIRouter()
_SHOWN = 200


@router.get("/audit")
def audit_log(request: Request, user: ConsoleStaff, db: DbSession) -> Response:
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(_SHOWN))
    return render(request, "audit.html", {"entries": list(entries)})
