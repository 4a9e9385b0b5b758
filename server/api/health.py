"""GET /healthz: 200 while the database answers, 503 otherwise (for load balancers)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.api.deps import DbSession

log = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=dict[str, str],
            responses={503: {"description": "the database does not answer"}})
def healthz(db: DbSession) -> dict[str, str] | JSONResponse:
    try:
        db.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("health check: database unavailable: %s", exc)
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return {"status": "ok"}
