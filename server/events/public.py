"""Public event pages (no login, phone-sized, Chinese with English beneath):

- ``/e/<event id>``: self-registration (name, phone, organisation, consent) → the ticket page;
- ``/t/<page token>``: the attendee's ticket, its QR inline and as PNG/SVG downloads — the unguessable token
  in the path is the only key, so the page sends no Referer and is never cached;
- ``/m/<event id>?t=<code>``: phone check-in from the kiosk's rotating QR; the visitor enters their phone number.

Forms carry a CSRF token matched against a cookie of their own (double submit; there is no session), and
submissions are rate limited per client address. Everything shown is escaped (Jinja2 autoescape).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from common import rotating_code, tickets
from common.wire import Id
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.events import attendees, checkins, events, tickets_issue
from server.events.schemas import AttendeeFields
from server.fleet.models import Event
from server.web.phone_forms import post_refusal
from server.web.phone_templating import FORM_PAGE_HEADERS, render_page

router = APIRouter(include_in_schema=False)
CSRF_COOKIE = "event_form_csrf"
CSRF_FIELD = "csrf_token"
_FORM_SECONDS = 3600
# The kiosk shows a new code every 30 s; opening the page takes the current or previous one, and the visitor
# then has a couple of minutes to type their number.
PHONE_CODE_STEP = 30
OPEN_DRIFT_STEPS = 1
SUBMIT_DRIFT_STEPS = 4
_HEADERS = FORM_PAGE_HEADERS


@router.get("/e/{event_id}")
def registration_page(event_id: Id, request: Request, db: DbSession, settings: Settings) -> Response:
    event = events.get(db, event_id)
    closed = attendees.self_registration_closed(db, event, utcnow())
    if closed:
        return _message(request, settings, event, closed, 404 if closed == "no_event" else 200)
    return _form(request, settings, "event_register.html", {"event": event, "values": {}, "errors": {}})


@router.post("/e/{event_id}")
def register(event_id: Id, request: Request, db: DbSession, settings: Settings,
             name: Annotated[str, Form(max_length=200)] = "", phone: Annotated[str, Form(max_length=40)] = "",
             organisation: Annotated[str, Form(max_length=300)] = "", consent: Annotated[str, Form(max_length=10)] = "",
             csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "") -> Response:
    event = events.get(db, event_id)
    refused = _refused_post(request, db, settings, event, csrf_token)
    if refused is not None:
        return refused
    closed = attendees.self_registration_closed(db, event, utcnow())
    if closed or event is None:  # no event is closed ("no_event")
        closed = closed or "no_event"
        return _message(request, settings, event, closed, 404 if closed == "no_event" else 409)
    values = {"name": name.strip(), "phone": phone.strip().replace(" ", "").replace("-", ""),
              "organisation": organisation.strip()}
    errors: dict[str, str] = {}
    try:
        fields = AttendeeFields(**values)
    except ValidationError as exc:
        errors = {str(e["loc"][0]): e["type"] for e in exc.errors(include_url=False) if e["loc"]}
    if not consent:
        errors["consent"] = "missing"
    if errors:
        return _form(request, settings, "event_register.html", {"event": event, "values": values, "errors": errors},
                     400)
    try:
        registration = attendees.register(db, event, fields, "self", "public")
    except attendees.PhoneTaken:
        return _message(request, settings, event, "phone_taken", 409)
    db.commit()
    return RedirectResponse(f"/t/{registration.page_token}", status_code=303, headers=_HEADERS)


@router.get("/t/{token}")
def ticket_page(token: str, request: Request, db: DbSession, settings: Settings) -> Response:
    registration = attendees.find_by_page_token(db, token[:100])
    if registration is None:
        return _message(request, settings, None, "no_ticket", 404)
    event = events.get(db, registration.event_id)
    shown = registration.revoked_at is None and event is not None and event.status != "cancelled"
    return _page(request, settings, "event_ticket.html", {
        "event": event, "registration": registration, "name": registration.name,
        "phone": attendees.mask_phone(registration.phone), "token": token,
        "qr_pixels": tickets.png_pixels(tickets_issue.ticket_text(db, registration)) if shown else 0}, 200)


@router.get("/t/{token}/ticket.{image_format}")
def ticket_image(token: str, image_format: Literal["png", "svg"], db: DbSession, download: bool = False) -> Response:
    registration = attendees.find_by_page_token(db, token[:100])
    if registration is None or registration.revoked_at is not None:
        return Response("no such ticket", status_code=404, media_type="text/plain", headers=_HEADERS)
    data, media_type = tickets_issue.ticket_image(tickets_issue.ticket_text(db, registration), image_format)
    headers = {**_HEADERS, "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="ticket-{registration.event_id}.{image_format}"'
    return Response(data, media_type=media_type, headers=headers)


@router.get("/m/{event_id}")
def phone_checkin_page(event_id: Id, request: Request, db: DbSession, settings: Settings, t: str = "") -> Response:
    event = _checkin_event(db, event_id)
    if event is None:
        return _message(request, settings, None, "no_event", 404)
    if not _code_fresh(event, t, OPEN_DRIFT_STEPS):
        return _message(request, settings, event, "stale_code", 403)
    return _form(request, settings, "event_phone.html", {"event": event, "code": t[:16], "error": None})


@router.post("/m/{event_id}")
def phone_checkin(event_id: Id, request: Request, db: DbSession, settings: Settings,
                  phone: Annotated[str, Form(max_length=40)] = "", t: Annotated[str, Form(max_length=16)] = "",
                  csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "") -> Response:
    event = _checkin_event(db, event_id)
    refused = _refused_post(request, db, settings, event, csrf_token)
    if refused is not None:
        return refused
    if event is None:
        return _message(request, settings, None, "no_event", 404)
    if not _code_fresh(event, t, SUBMIT_DRIFT_STEPS):
        return _message(request, settings, event, "stale_code", 403)
    phone = phone.strip().replace(" ", "").replace("-", "")
    registration = attendees.find_by_phone(db, event.id, phone)
    if registration is None:
        return _form(request, settings, "event_phone.html", {"event": event, "code": t, "error": "not_registered"},
                     404)
    checkin, verdict = checkins.check_in_by_phone(db, event, registration, utcnow())
    db.commit()
    prior = verdict.prior
    return _page(request, settings, "event_phone_result.html", {
        "event": event, "kind": verdict.kind, "name": attendees.mask_name(registration.name),
        "prior_at": prior.scanned_at if prior else None, "prior_terminal": prior.terminal_name if prior else None,
        "scanned_at": checkin.scanned_at}, 200)


def _checkin_event(db: Session, event_id: int) -> Event | None:
    event = events.get(db, event_id)
    return event if event is not None and event.status in ("published", "cancelled") else None


def _code_fresh(event: Event, code: str, drift_steps: int) -> bool:
    return rotating_code.verify_code(events.phone_secret_bytes(event), event.id, code, utcnow(), step=PHONE_CODE_STEP,
                                     drift_steps=drift_steps)


def _refused_post(request: Request, db: Session, settings: Settings, event: Event | None,
                  csrf_token: str) -> Response | None:
    refusal = post_refusal(request, db, request.app.state.event_form_limiter, csrf_token, CSRF_COOKIE)
    if refusal is None:
        return None
    response = _message(request, settings, event, refusal.reason, refusal.status_code)
    if refusal.retry_after is not None:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def _form(request: Request, settings: Settings, template: str, context: dict, status_code: int = 200) -> Response:
    """A page with a form: a fresh CSRF token in the form and in its cookie."""
    token = secrets.token_urlsafe(32)
    response = _page(request, settings, template, {**context, "csrf_field": CSRF_FIELD, "csrf_token": token},
                     status_code)
    response.set_cookie(CSRF_COOKIE, token, max_age=_FORM_SECONDS, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


def _message(request: Request, settings: Settings, event: Event | None, reason: str, status_code: int) -> Response:
    return _page(request, settings, "event_message.html", {"event": event, "reason": reason}, status_code)


def _page(request: Request, settings: Settings, template: str, context: dict, status_code: int) -> HTMLResponse:
    zone = ZoneInfo(settings.timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    page = render_page(template, local=local, **context)
    return HTMLResponse(page, status_code=status_code, headers=_HEADERS)
