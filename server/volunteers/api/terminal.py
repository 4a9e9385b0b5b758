"""A terminal's volunteer calls: the volunteer screen's board, and a scanned ticket's hours."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter

from common import wire
from server.api.deps import CurrentTerminal, DbSession, Settings
from server.core.clock import utcnow
from server.volunteers import totals

router = APIRouter(prefix="/terminal/volunteers", tags=["terminal"])


@router.get("")
def volunteer_board(_terminal: CurrentTerminal, db: DbSession, settings: Settings) -> wire.VolunteerBoard:
    return totals.board(db, utcnow(), ZoneInfo(settings.timezone))


@router.post("/hours")
def volunteer_hours(body: wire.VolunteerHoursQuery, _terminal: CurrentTerminal, db: DbSession,
                    settings: Settings) -> wire.VolunteerHoursAnswer:
    """Nothing is stored: the kiosk shows the answer and forgets it."""
    return totals.hours_of_ticket(db, body.code, utcnow(), ZoneInfo(settings.timezone))
