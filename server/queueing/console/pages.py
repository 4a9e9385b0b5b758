"""The queue in the console: the windows with today's settings, a window's staff page (call next, recall, no-show,
transfer, done; usable on a phone), and the statistics with CSV."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.queueing import calls, numbers, stats, windows
from server.web.i18n import N_, language
from server.web.sessions import ConsoleDenied, ConsoleStaff
from server.web.templating import render

router = APIRouter()
# What the staff page says when an action is refused, by the domain's message.
_REFUSALS = {
    "finish the number at the window first (done, no-show or transfer)":
        N_("Finish the number at the window first (done, no-show or transfer)."),
    "nobody is waiting": N_("Nobody is waiting."),
    "no number is called to this window": N_("No number is called to this window."),
    "choose another window": N_("Choose another window."),
}
_FIELD_ERRORS = {"staff": N_("At most 80 characters."), "opens": N_("A time as HH:MM."),
                 "closes": N_("A time as HH:MM, after the opening time."),
                 "daily_limit": N_("A whole number from 1 to 999.")}


def _window(db, window_id: int) -> windows.Window:
    found = windows.by_id(db, window_id)
    if found is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return found


def _windows_page(request: Request, db, errors: dict | None = None, status_code: int = 200) -> Response:
    found = windows.windows(db)
    return render(request, "queue_windows.html", {
        "section": "queue", "windows": found, "waiting": {w.row.id: numbers.waiting_count(db, w.row.id) for w in found},
        "errors": errors or {}, "saved": request.query_params.get("saved", "")},
        status_code)


@router.get("/queue")
def windows_page(request: Request, user: ConsoleStaff, db: DbSession) -> Response:
    response = _windows_page(request, db)
    db.commit()  # windows new to the queue keep the letters just given
    return response


@router.post("/queue/windows/{window_id}/settings")
def save_settings(request: Request, window_id: int, user: ConsoleStaff, db: DbSession,
                  is_open: Annotated[str, Form()] = "", staff: Annotated[str, Form()] = "",
                  opens: Annotated[str, Form()] = "", closes: Annotated[str, Form()] = "",
                  daily_limit: Annotated[str, Form()] = "") -> Response:
    window = _window(db, window_id)
    try:
        windows.update(window.row, is_open == "1", staff, opens, closes, daily_limit.strip())
    except windows.WindowSettingsError as error:
        db.rollback()
        return _windows_page(request, db, {window_id: (error.field, _FIELD_ERRORS[error.field])}, 422)
    db.commit()
    return RedirectResponse(f"/console/queue?saved={window_id}#window-{window_id}", status_code=303)


@router.get("/queue/windows/{window_id}")
def window_page(request: Request, window_id: int, user: ConsoleStaff, db: DbSession, settings: Settings,
                error: str = "") -> Response:
    window = _window(db, window_id)
    current = calls.current(db, window_id)
    return render(request, "queue_window.html", {
        "section": "queue", "window": window, "current": current, "waiting": calls.waiting(db, window_id),
        "others": [w for w in windows.windows(db) if w.row.id != window_id],
        "services": {s.code: s.name for w in windows.windows(db) for s in w.services},
        "error": _REFUSALS.get(error)})


@router.post("/queue/windows/{window_id}/{action}")
def window_action(window_id: int, action: str, user: ConsoleStaff, db: DbSession,
                  to: Annotated[str, Form()] = "") -> Response:
    window = _window(db, window_id)
    now = utcnow()
    try:
        if action == "call":
            calls.call_next(db, window, user.username, now)
        elif action == "recall":
            calls.recall(db, window, user.username, now)
        elif action in ("served", "no_show"):
            calls.finish(db, window, action, user.username, now)
        elif action == "transfer":
            target = windows.by_id(db, int(to)) if to.isdigit() and len(to) < 10 else None
            calls.transfer(db, window, target, user.username)
        else:
            raise ConsoleDenied(N_("Not found"), 404)
    except calls.CallRefused as refused:
        db.rollback()
        return RedirectResponse(f"/console/queue/windows/{window_id}?error={quote(str(refused))}", status_code=303)
    db.commit()
    return RedirectResponse(f"/console/queue/windows/{window_id}", status_code=303)


def _range(settings, since: str, until: str) -> tuple[date, date]:
    today = stats.today(settings.timezone, utcnow())
    try:
        first = date.fromisoformat(since) if since else today - timedelta(days=6)
        last = date.fromisoformat(until) if until else today
    except ValueError:
        first, last = today - timedelta(days=6), today
    return (first, last) if first <= last else (last, first)


def _found(request: Request, db, settings, since: str, until: str) -> stats.QueueStats:
    first, last = _range(settings, since, until)
    lang = language(request)
    names = {w.row.id: f"{w.row.letter} · {w.name.get(lang)}" for w in windows.windows(db)}
    return stats.stats(db, first, last, settings.timezone, names)


@router.get("/queue/stats")
def stats_page(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings, since: str = "",
               until: str = "") -> Response:
    found = _found(request, db, settings, since[:10], until[:10])
    services = {s.code: s.name.get(language(request)) for w in windows.windows(db) for s in w.services}
    return render(request, "queue_stats.html", {"section": "queue", "found": found, "services": services})


@router.get("/queue/stats.csv")
def stats_csv(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings, since: str = "",
              until: str = "") -> Response:
    found = _found(request, db, settings, since[:10], until[:10])
    return Response(("\ufeff" + stats.stats_csv(found)).encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="queue-{found.since}-{found.until}.csv"'})
