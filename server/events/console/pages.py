"""Event check-in in the console (operators and admins: events are content): event list and editor, attendees
with CSV import, tickets and revocation, the self-registration poster QR, live attendance and the check-in
export. Built on the domain modules server.events, server.attendees, server.tickets_issue, server.checkins."""

from __future__ import annotations

from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select

from common.qr import qr_png
from common.wire import CheckinVerdictKind, Id
from server.api.deps import DbSession, Settings
from server.events import attendees, checkins, events, tickets_issue
from server.events.console import event_views
from server.events.console.event_form import ALLOWED_STATUS, blank_form, form_of, read_form
from server.fleet.models import Event, Registration, Terminal, TerminalGroup
from server.volunteers import members as volunteer_members
from server.web.i18n import N_, language, translations
from server.web.public_url import public_url
from server.web.sessions import ConsoleDenied, ConsoleStaff, SubmittedForm
from server.web.templating import render

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}
# Words the live page's script shows, in the page's language.
LIVE_LABELS = (*get_args(CheckinVerdictKind), "online", "offline", "phone", N_("duplicate"), N_("would_refuse"),
               N_("Updated"), N_("Not updated: the server did not answer; trying again."))


def _zone(settings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)


def _event(db, event_id: Id) -> Event:
    event = events.get(db, event_id)
    if event is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return event


def _registration(db, event: Event, registration_id: Id) -> Registration:
    registration = db.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise ConsoleDenied(N_("Not found"), 404)
    return registration


def _local(settings):
    zone = _zone(settings)
    return lambda moment: event_views.local_time(moment, zone)[:16]


@router.get("/events")
def event_list(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    rows = events.list_events(db)
    terminal_names = dict(db.execute(select(Terminal.id, Terminal.name)).all())
    group_names = dict(db.execute(select(TerminalGroup.id, TerminalGroup.name)).all())
    offered = {}
    for event in rows:
        if not event.all_terminals:
            terminal_ids, group_ids = events.offers(db, event)
            offered[event.id] = ([terminal_names[i] for i in terminal_ids], [group_names[i] for i in group_ids])
    return render(request, "events.html", {"events": rows, "counts": events.attendance(db, rows), "offered": offered,
                                           "local": _local(settings), "zone": settings.timezone})


@router.get("/events/new")
def new_event(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    return _editor(request, db, settings, None, blank_form())


@router.post("/events/new")
def create_event(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings,
                 form: SubmittedForm) -> Response:
    return _save(request, db, settings, None, form, user.username)


@router.get("/events/{event_id}/edit")
def edit_event(request: Request, event_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    event = _event(db, event_id)
    terminal_ids, group_ids = events.offers(db, event)
    return _editor(request, db, settings, event, form_of(event, terminal_ids, group_ids, _zone(settings)))


@router.post("/events/{event_id}/edit")
def save_event(request: Request, event_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
               form: SubmittedForm) -> Response:
    return _save(request, db, settings, _event(db, event_id), form, user.username)


def _save(request: Request, db, settings, event: Event | None, form, actor: str) -> Response:
    gettext = translations(language(request)).gettext
    typed, fields = read_form(form, _zone(settings), event.status if event else None, gettext)
    if fields is None:
        return _editor(request, db, settings, event, typed, status_code=422)
    wanted = typed.values["status"]
    try:
        if event is None:
            event = events.create(db, fields, actor)
        else:
            events.update(db, event, fields, actor)
        if wanted == "published" and event.status == "draft":
            events.publish(db, event, actor)
        elif wanted == "cancelled":
            events.cancel(db, event, actor)
    except events.EventRefused as exc:
        db.rollback()
        typed.errors[""] = str(exc)
        return _editor(request, db, settings, event, typed, status_code=409)
    db.commit()
    return RedirectResponse(f"/console/events/{event.id}?saved=1", status_code=303)


def _editor(request: Request, db, settings, event: Event | None, form, status_code: int = 200) -> Response:
    terminals = db.scalars(select(Terminal).where(Terminal.revoked_at.is_(None)).order_by(Terminal.name, Terminal.id))
    groups = db.scalars(select(TerminalGroup).order_by(TerminalGroup.name))
    return render(request, "event_edit.html", {
        "event": event, "form": form, "errors": form.errors, "terminals": list(terminals), "groups": list(groups),
        "statuses": ALLOWED_STATUS[event.status if event else None], "zone": settings.timezone,
        "volunteer_teams": volunteer_members.teams(db),
    }, status_code)


@router.get("/events/{event_id}")
def event_page(request: Request, event_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    return _event_page(request, db, settings, _event(db, event_id))


def _event_page(request: Request, db, settings, event: Event, import_error: str = "", row_errors=(),
                status_code: int = 200) -> Response:
    rows = attendees.list_for_event(db, event.id)
    counted = attendees.checked_in_at(db, [r.ticket_id for r in rows])
    signup = public_url(request, f"/e/{event.id}")
    return render(request, "event.html", {
        "event": event, "attendees": rows, "counted": counted, "count": events.attendance(db, [event])[event.id],
        "signup_url": signup, "signup_qr": event_views.qr_data_uri(signup) if event.self_registration else "",
        "import_error": import_error, "row_errors": list(row_errors), "local": _local(settings),
        "zone": settings.timezone, "query": request.query_params,
    }, status_code)


@router.post("/events/{event_id}/attendees/import")
def import_attendees(request: Request, event_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
                     file: Annotated[UploadFile, File()]) -> Response:
    """All rows or none (server.attendees.import_csv): a file with errors imports nothing, and the table says
    which rows to fix; rows already registered under the same name are left alone on a second import."""
    event = _event(db, event_id)
    try:
        text = file.file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _event_page(request, db, settings, event, N_("The file is not UTF-8 text; save it as CSV UTF-8."),
                           status_code=422)
    try:
        outcome = attendees.import_csv(db, event, text, user.username)
    except attendees.ImportRejected as exc:
        db.rollback()
        return _event_page(request, db, settings, event, N_("Nothing was imported: fix these rows and import the "
                              "whole file again."), exc.errors, 422)
    db.commit()
    return RedirectResponse(f"/console/events/{event.id}?imported={outcome.created}&unchanged={outcome.unchanged}",
                            status_code=303)


@router.get("/events/{event_id}/attendees/{registration_id}/ticket.{image_format}")
def ticket_image(event_id: Id, registration_id: Id, image_format: Literal["png", "svg"], user: ConsoleStaff,
                 db: DbSession) -> Response:
    registration = _registration(db, _event(db, event_id), registration_id)
    if registration.revoked_at is not None:
        raise ConsoleDenied(N_("This ticket is revoked."), 410)
    data, media_type = tickets_issue.ticket_image(tickets_issue.ticket_text(db, registration), image_format)
    filename = f"ticket-{registration.event_id}-{registration.ticket_id}.{image_format}"
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE})


@router.get("/events/{event_id}/attendees/{registration_id}/revoke")
def confirm_revoke(request: Request, event_id: Id, registration_id: Id, user: ConsoleStaff,
                   db: DbSession) -> Response:
    event = _event(db, event_id)
    return render(request, "event_revoke.html", {"event": event, "r": _registration(db, event, registration_id)})


@router.post("/events/{event_id}/attendees/{registration_id}/revoke")
def revoke(event_id: Id, registration_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    event = _event(db, event_id)
    attendees.revoke(db, _registration(db, event, registration_id), user.username)
    db.commit()
    return RedirectResponse(f"/console/events/{event.id}#attendees", status_code=303)


@router.get("/events/{event_id}/poster.{image_format}")
def poster_qr(request: Request, event_id: Id, image_format: Literal["png", "svg"], user: ConsoleStaff,
              db: DbSession) -> Response:
    """The self-registration page's QR code, to print on a poster."""
    event = _event(db, event_id)
    url = public_url(request, f"/e/{event.id}")
    data, media_type = ((event_views.qr_svg(url).encode(), "image/svg+xml") if image_format == "svg"
                        else (qr_png(url, box_size=20), "image/png"))
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="event-{event.id}-signup.{image_format}"'})


@router.get("/events/{event_id}/live")
def live_page(request: Request, event_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
              audit: bool = False) -> Response:
    event = _event(db, event_id)
    gettext = translations(language(request)).gettext
    labels = {key: gettext(key) for key in LIVE_LABELS}
    return render(request, "event_live.html", {"event": event, "audit": audit, "labels": labels,
                                               "zone": settings.timezone, **_live(db, settings, event, audit)})


@router.get("/events/{event_id}/live.json")
def live_json(event_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings, audit: bool = False) -> Response:
    """What the live page polls every few seconds: the counter and the latest scans."""
    return JSONResponse(_live(db, settings, _event(db, event_id), audit), headers=NO_STORE)


def _live(db, settings, event: Event, audit: bool) -> dict:
    rows = event_views.scans(db, event.id, audit)
    names = checkins.attendee_names(db, {r.ticket_id for r in rows if r.ticket_id is not None})
    zone = _zone(settings)
    return {"attendance": events.attendance(db, [event])[event.id].model_dump(),
            "scans": [event_views.scan_row(r, names, zone) for r in rows]}


@router.get("/events/{event_id}/checkins.csv")
def export_checkins(event_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    """Every scan of the event, refused ones too, with both verdicts and the flag: the audit trail as a file."""
    event = _event(db, event_id)
    rows = event_views.scans(db, event.id, audit=True, limit=None)
    names = checkins.attendee_names(db, {r.ticket_id for r in rows if r.ticket_id is not None})
    return Response(event_views.scans_csv(rows, names).encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="event-{event.id}-checkins.csv"'})
