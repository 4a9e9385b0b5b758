"""A terminal's wall: GET /terminal/wishes with ETag / If-None-Match (304 when unchanged)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response

from common import wire
from server.api.deps import CurrentTerminal, DbSession, Settings
from server.api.etags import tagged_json
from server.core.clock import utcnow
from server.wishes import wall

router = APIRouter(prefix="/terminal", tags=["terminal"])


@router.get("/wishes", response_model=None,
            responses={200: {"model": wire.WishWall}, 304: {"description": "If-None-Match names the current ETag"}})
def wish_wall(terminal: CurrentTerminal, db: DbSession, settings: Settings, request: Request) -> Response:
    now, zone = utcnow(), ZoneInfo(settings.timezone)
    return tagged_json(request, wall.etag(db, now, zone), lambda: wall.wall(db, now, zone))
