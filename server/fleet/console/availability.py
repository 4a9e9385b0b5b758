"""A terminal's events (started, restarted, network lost and back, updates) and its time offline per day and month."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from common.wire import Id
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.fleet import availability, terminal_events
from server.fleet.models import Terminal
from server.web.i18n import N_
from server.web.sessions import ConsoleDenied, ConsoleStaff
from server.web.templating import render

router = APIRouter()
_EVENTS_SHOWN = 200
EVENT_NAMES = {
    "app_started": N_("App started"),
    "app_restarted": N_("App restarted"),
    "network_lost": N_("Network lost"),
    "network_back": N_("Network back"),
    "update_applied": N_("Update applied"),
}


@router.get("/terminals/{terminal_id}/availability")
def terminal_availability(request: Request, terminal_id: Id, user: ConsoleStaff, db: DbSession,
                          settings: Settings) -> Response:
    terminal = db.get(Terminal, terminal_id)
    if terminal is None:
        raise ConsoleDenied("Not found", 404)
    zone = ZoneInfo(settings.timezone)
    return render(request, "terminal_availability.html", {
        "terminal": terminal, "events": terminal_events.recent(db, terminal.id, _EVENTS_SHOWN),
        "event_names": EVENT_NAMES, "report": availability.report(db, terminal, utcnow(), zone)})
