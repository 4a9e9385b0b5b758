"""A terminal's check-in calls: the bundle for checking offline (ETag / 304), and the online check."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from common import wire
from server.api.deps import CurrentTerminal, DbSession
from server.api.etags import tagged_json
from server.core.clock import utcnow
from server.events import checkin_bundle, checkins

router = APIRouter(prefix="/terminal", tags=["terminal"])


@router.get("/checkin", response_model=None,
            responses={200: {"model": wire.CheckinBundle}, 304: {"description": "If-None-Match names the current ETag"}})
def checkin_bundle_for(terminal: CurrentTerminal, db: DbSession, request: Request) -> Response | wire.CheckinBundle:
    now = utcnow()
    return tagged_json(request, checkin_bundle.etag(db, terminal, now), lambda: checkin_bundle.bundle(db, terminal, now))


@router.post("/checkins")
def check_in(body: wire.CheckinScan, terminal: CurrentTerminal, db: DbSession) -> wire.CheckinResult:
    """Decide a scan now. It is stored as the terminal's record ``body.id`` of kind checkin, so the copy the
    kiosk's outbox sends later is a duplicate; the same id asked again gets the first answer."""
    result = checkins.check_online(db, terminal, body)
    db.commit()  # stored for good before the terminal shows the verdict
    return result
