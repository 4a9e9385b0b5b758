"""A terminal's call for the building-matters board (ETag / 304), as the check-in bundle is fetched."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from common import wire
from server.api.deps import CurrentTerminal, DbSession
from server.api.etags import not_modified, quoted
from server.core.clock import utcnow
from server.matters import board

router = APIRouter(prefix="/terminal", tags=["terminal"])


@router.get("/matters", response_model=None,
            responses={200: {"model": wire.MattersBoard}, 304: {"description": "If-None-Match names the current ETag"}})
def matters_board(terminal: CurrentTerminal, db: DbSession, request: Request) -> Response:
    now = utcnow()
    tag = board.etag(db, now)
    if not_modified(request, tag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": quoted(tag)})
    body = board.board(db, now)
    return Response(body.model_dump_json().encode(), media_type="application/json",
                    headers={"ETag": quoted(body.etag)})
