"""The audit log: who changed what, when, newest first, a page at a time (``before``: the entries older than that
id, so a page stays the same however many entries are added meanwhile)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from common.wire import Id
from server.api.deps import DbSession
from server.fleet.models import AuditEntry
from server.web.sessions import ConsoleStaff
from server.web.templating import render

router = APIRouter()
PAGE_SIZE = 100


@router.get("/audit")
def audit_log(request: Request, user: ConsoleStaff, db: DbSession,
              before: Annotated[Id | None, Query()] = None) -> Response:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE_SIZE + 1)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    entries = list(db.scalars(query))
    older = entries[PAGE_SIZE - 1].id if len(entries) > PAGE_SIZE else None
    return render(request, "audit.html", {"entries": entries[:PAGE_SIZE], "older": older, "paged": before is not None})
