"""Public booking pages (no login, phone-sized, Chinese with English beneath):

- ``/b?space=<id>``: the spaces and the chosen one's free slots for today and the days bookable ahead;
- ``/b/<space>/book?at=<slot start>``: name, company, mobile number, consent → the pass page, or the refusal with
  the nearest free slot;
- ``/b/p/<page token>``: the pass (its QR to scan at the kiosk), and cancelling the booking with it — the
  unguessable token is the only key, so the page sends no Referer and is never cached.

Forms carry a CSRF token matched against a cookie of their own and a request id (a form sent twice books once);
posts are rate limited per client address with the event forms. Everything shown is escaped.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from common import tickets
from common.feedback_rules import mask_phone
from common.wire import BookingRequest, Id
from server.api.deps import DbSession, Settings
from server.booking import bookings, slots, spaces
from server.booking.models import Booking, Space
from server.core.clock import utcnow
from server.events.attendees import mask_name
from server.web.phone_forms import post_refusal
from server.web.phone_templating import render_page

router = APIRouter(include_in_schema=False)
CSRF_COOKIE = "booking_form_csrf"
CSRF_FIELD = "csrf_token"
_FORM_SECONDS = 3600
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
}


@router.get("/b")
def grid_page(request: Request, db: DbSession, settings: Settings, space: str = "") -> Response:
    active = spaces.all_spaces(db, active_only=True)
    chosen = next((s for s in active if str(s.id) == space[:12]), active[0] if active else None)
    zone = ZoneInfo(settings.timezone)
    days = slots.days(db, chosen, utcnow(), zone) if chosen is not None else []
    return _page(settings, "booking_grid.html", {"spaces": active, "space": chosen, "days": days}, 200)


@router.get("/b/{space_id}/book")
def booking_form(space_id: Id, request: Request, db: DbSession, settings: Settings, at: str = "") -> Response:
    space, starts_at = _slot(db, space_id, at)
    if space is None or starts_at is None:
        return _message(settings, "no_slot", 404)
    return _form(request, settings, space, starts_at, {}, {}, None)


@router.post("/b/{space_id}/book")
def book(space_id: Id, request: Request, db: DbSession, settings: Settings,
         at: Annotated[str, Form(max_length=40)] = "", name: Annotated[str, Form(max_length=200)] = "",
         company: Annotated[str, Form(max_length=300)] = "", phone: Annotated[str, Form(max_length=40)] = "",
         consent: Annotated[str, Form(max_length=10)] = "", request_id: Annotated[str, Form(max_length=40)] = "",
         csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "") -> Response:
    refused = _refused_post(request, db, settings, csrf_token)
    if refused is not None:
        return refused
    space, starts_at = _slot(db, space_id, at)
    if space is None or starts_at is None:
        return _message(settings, "no_slot", 404)
    values = {"name": name, "company": company, "phone": phone.strip().replace(" ", "").replace("-", "")}
    errors: dict[str, str] = {}
    try:
        wanted = BookingRequest(id=request_id, space_id=space.id, starts_at=starts_at, **values)
    except ValidationError as exc:
        errors = {str(e["loc"][0]): e["type"] for e in exc.errors(include_url=False) if e["loc"]}
    if not consent:
        errors["consent"] = "missing"
    if errors:
        if "id" in errors:  # a form not made by this page
            return _message(settings, "form_expired", 403)
        return _form(request, settings, space, starts_at, values, errors, None, 400)
    try:
        booking = bookings.book(db, wanted, "phone", None, utcnow(), ZoneInfo(settings.timezone))
    except bookings.Refused as refusal:
        db.rollback()
        return _form(request, settings, space, starts_at, values, {}, refusal, 409)
    db.commit()
    return RedirectResponse(f"/b/p/{booking.page_token}", status_code=303, headers=_HEADERS)


@router.get("/b/p/{token}")
def pass_page(token: str, request: Request, db: DbSession, settings: Settings) -> Response:
    booking = bookings.find_by_page_token(db, token[:100])
    if booking is None:
        return _message(settings, "no_pass", 404)
    return _pass_page(request, db, settings, booking, token, cancelled_now=False)


@router.get("/b/p/{token}/pass.png")
def pass_image(token: str, db: DbSession) -> Response:
    booking = bookings.find_by_page_token(db, token[:100])
    if booking is None or booking.status != "booked":
        return Response("no such pass", status_code=404, media_type="text/plain", headers=_HEADERS)
    headers = {**_HEADERS, "Content-Security-Policy": "default-src 'none'"}
    return Response(tickets.render_png(bookings.pass_text(db, booking)), media_type="image/png", headers=headers)


@router.post("/b/p/{token}/cancel")
def cancel(token: str, request: Request, db: DbSession, settings: Settings,
           csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "") -> Response:
    refused = _refused_post(request, db, settings, csrf_token)
    if refused is not None:
        return refused
    booking = bookings.find_by_page_token(db, token[:100])
    if booking is None:
        return _message(settings, "no_pass", 404)
    cancelled = bookings.cancel(db, booking, "phone", utcnow())
    db.commit()
    return _pass_page(request, db, settings, booking, token, cancelled_now=cancelled)


def _slot(db: DbSession, space_id: int, at: str) -> tuple[Space | None, datetime | None]:
    space = spaces.get(db, space_id)
    if space is None or not space.active:
        return None, None
    try:
        starts_at = datetime.fromisoformat(at[:40])
    except ValueError:
        return space, None
    return space, starts_at if starts_at.tzinfo is not None else None


def _pass_page(request: Request, db: DbSession, settings: Settings, booking: Booking, token: str,
               cancelled_now: bool) -> Response:
    space = db.get_one(Space, booking.space_id)
    shown = booking.status == "booked"
    context = {"booking": booking, "space": space, "token": token, "name": mask_name(booking.name),
               "phone": mask_phone(booking.phone), "cancelled_now": cancelled_now,
               "qr_pixels": tickets.png_pixels(bookings.pass_text(db, booking)) if shown else 0}
    if shown and booking.checked_in_at is None:
        return _with_csrf(request, settings, "booking_pass.html", context, 200)
    return _page(settings, "booking_pass.html", context, 200)


def _form(request: Request, settings: Settings, space: Space, starts_at: datetime, values: dict, errors: dict,
          refusal: bookings.Refused | None, status_code: int = 200) -> Response:
    context = {"space": space, "starts_at": starts_at, "ends_at": starts_at + slots.slot_length(space),
               "values": values, "errors": errors, "refusal": refusal, "request_id": str(uuid.uuid4())}
    return _with_csrf(request, settings, "booking_form.html", context, status_code)


def _with_csrf(request: Request, settings: Settings, template: str, context: dict, status_code: int) -> Response:
    token = secrets.token_urlsafe(32)
    response = _page(settings, template, {**context, "csrf_field": CSRF_FIELD, "csrf_token": token}, status_code)
    response.set_cookie(CSRF_COOKIE, token, max_age=_FORM_SECONDS, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


def _refused_post(request: Request, db: DbSession, settings: Settings, csrf_token: str) -> Response | None:
    refusal = post_refusal(request, db, request.app.state.event_form_limiter, csrf_token, CSRF_COOKIE)
    if refusal is None:
        return None
    response = _message(settings, refusal.reason, refusal.status_code)
    if refusal.retry_after is not None:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def _message(settings: Settings, reason: str, status_code: int) -> HTMLResponse:
    return _page(settings, "booking_message.html", {"reason": reason}, status_code)


def _page(settings: Settings, template: str, context: dict, status_code: int) -> HTMLResponse:
    zone = ZoneInfo(settings.timezone)

    def local(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
        return moment.astimezone(zone).strftime(pattern) if moment else ""

    return HTMLResponse(render_page(template, local=local, **context), status_code=status_code, headers=_HEADERS)
