"""The micro-wish phone pages (no login, phone-sized, Chinese with English beneath):

- ``/w/new``: post a wish (what, optional mobile number) → a receipt with tracking number and check code;
- ``/w/<id>``: a published wish (the QR on the kiosk's wall) and, while it is open, the claim form (name, mobile,
  team); exactly one claim wins, a second claimant is told it is taken;
- ``/wc/<token>``: the claimant's own page (the unguessable token is the only key): mark it fulfilled with a
  short note and an optional photo, or release it;
- ``/w/<id>/photo.jpg``: the fulfilment photo (re-encoded, no EXIF);
- ``/ws/<tracking number>?c=<check code>``: the poster follows their wish (a wrong code and an unknown number get
  the same answer).

Forms carry a CSRF token matched against a cookie of their own (double submit; there is no session); posts and
status lookups are rate limited per client address. Everything shown is escaped (Jinja2 autoescape).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.wire import Id
from server.api.deps import DbSession, Settings
from server.volunteers.models import VolunteerTeam
from server.web.phone_forms import client_address, post_refusal
from server.web.phone_templating import FORM_PAGE_HEADERS, render_page
from server.wishes import photos, wishes
from server.wishes.models import PUBLIC_STATUSES, Wish, WishPhoto

router = APIRouter(include_in_schema=False)
CSRF_COOKIE = "wish_form_csrf"
CSRF_FIELD = "csrf_token"
_FORM_SECONDS = 3600
_MAX_LOOKUP = 64
_HEADERS = FORM_PAGE_HEADERS
Csrf = Annotated[str, Form(alias=CSRF_FIELD, max_length=100)]


def _teams(db: Session) -> list[VolunteerTeam]:
    return list(db.scalars(select(VolunteerTeam).where(VolunteerTeam.active).order_by(VolunteerTeam.sort_order)))


def _public_wish(db: Session, wish_id: int) -> Wish | None:
    wish = db.get(Wish, wish_id)
    return wish if wish is not None and wish.status in PUBLIC_STATUSES else None


@router.get("/w/new")
def post_page(request: Request, settings: Settings) -> Response:
    return _form(request, settings, "wish_post.html", {"values": {}, "errors": {}})


@router.post("/w/new")
def post_wish(request: Request, db: DbSession, settings: Settings, csrf_token: Csrf = "",
              text: Annotated[str, Form(max_length=4000)] = "", phone: Annotated[str, Form(max_length=40)] = "",
              consent: Annotated[str, Form(max_length=10)] = "") -> Response:
    refused = _refused_post(request, db, settings, csrf_token)
    if refused is not None:
        return refused
    values = {"text": text, "phone": phone}
    errors = _problems(lambda: wishes.clean(text, "text", wishes.MAX_TEXT),
                       lambda: wishes.clean_phone(phone, required=False))
    if phone.strip() and not consent:
        errors["consent"] = "missing"
    if errors:
        return _form(request, settings, "wish_post.html", {"values": values, "errors": errors}, 400)
    wish, code = wishes.post(db, settings, text, phone, "phone", "public")
    db.commit()
    return _page(settings, "wish_posted.html", {"tracking_number": wish.tracking_number, "check_code": code}, 201)


@router.get("/w/{wish_id}")
def wish_page(wish_id: Id, request: Request, db: DbSession, settings: Settings) -> Response:
    wish = _public_wish(db, wish_id)
    if wish is None:
        return _message(settings, None, "no_wish", 404)
    return _wish_form(request, db, settings, wish, {}, {})


def _wish_form(request: Request, db: Session, settings: Settings, wish: Wish, values: dict, errors: dict,
               status_code: int = 200) -> Response:
    team = db.get(VolunteerTeam, wish.claim_team_id) if wish.claim_team_id else None
    has_photo = db.get(WishPhoto, wish.id) is not None
    return _form(request, settings, "wish_page.html", {"wish": wish, "team": team, "teams": _teams(db),
                                                       "has_photo": has_photo, "values": values, "errors": errors},
                 status_code)


@router.post("/w/{wish_id}/claim")
def claim(wish_id: Id, request: Request, db: DbSession, settings: Settings, csrf_token: Csrf = "",
          name: Annotated[str, Form(max_length=400)] = "", phone: Annotated[str, Form(max_length=40)] = "",
          team: Annotated[str, Form(max_length=12)] = "", consent: Annotated[str, Form(max_length=10)] = "") -> Response:
    refused = _refused_post(request, db, settings, csrf_token)
    if refused is not None:
        return refused
    wish = _public_wish(db, wish_id)
    if wish is None:
        return _message(settings, None, "no_wish", 404)
    values = {"name": name, "phone": phone, "team": team}
    team_id = int(team) if team.isdigit() and len(team) < 10 else None
    errors = _problems(lambda: wishes.clean(name, "name", wishes.MAX_NAME), lambda: wishes.clean_phone(phone),
                       lambda: wishes.team(db, team_id, "team") or wishes.refuse("team", "no_team"))
    if not consent:
        errors["consent"] = "missing"
    if errors:
        return _wish_form(request, db, settings, wish, values, errors, 400)
    try:
        token = wishes.claim(db, wish.id, name, phone, team_id)
    except wishes.WishTaken:
        db.rollback()
        return _message(settings, db.get(Wish, wish_id), "taken", 409)
    db.commit()
    return RedirectResponse(f"/wc/{token}", status_code=303, headers=_HEADERS)


@router.get("/wc/{token}")
def claimant_page(token: str, request: Request, db: DbSession, settings: Settings) -> Response:
    wish = wishes.by_claim_token(db, token[:_MAX_LOOKUP])
    if wish is None:
        return _message(settings, None, "no_claim", 404)
    return _claimant_form(request, db, settings, wish, token, {}, {})


def _claimant_form(request: Request, db: Session, settings: Settings, wish: Wish, token: str, values: dict,
                   errors: dict, status_code: int = 200) -> Response:
    return _form(request, settings, "wish_claimed.html", {
        "wish": wish, "token": token, "team": db.get(VolunteerTeam, wish.claim_team_id),
        "values": values, "errors": errors, "max_photo_mb": photos.MAX_UPLOAD_BYTES // (1024 * 1024)}, status_code)


@router.post("/wc/{token}/fulfil")
def fulfil(token: str, request: Request, db: DbSession, settings: Settings, csrf_token: Csrf = "",
           note: Annotated[str, Form(max_length=4000)] = "", photo: Annotated[UploadFile | None, File()] = None) -> Response:
    wish, refused = _claimant_post(request, db, settings, token, csrf_token)
    if wish is None:
        return refused
    try:
        picture = _photo(photo)
        wishes.fulfil(db, wish, note, "claimant")
    except photos.PhotoRefused as exc:
        return _claimant_form(request, db, settings, wish, token, {"note": note}, {"photo": str(exc)}, 400)
    except wishes.WishRefused as exc:
        db.rollback()
        return _claimant_form(request, db, settings, wish, token, {"note": note}, {exc.field: str(exc)}, 400)
    if picture is not None:
        jpeg, width, height = picture
        db.add(WishPhoto(wish_id=wish.id, jpeg=jpeg, width=width, height=height))
    db.commit()
    return RedirectResponse(f"/wc/{token}", status_code=303, headers=_HEADERS)


def _claimant_post(request: Request, db: Session, settings: Settings, token: str,
                   csrf_token: str) -> tuple[Wish | None, Response]:
    """The claim the token opens, or None and the refusal (rate limit, CSRF, no such claim)."""
    refused = _refused_post(request, db, settings, csrf_token)
    if refused is not None:
        return None, refused
    wish = wishes.by_claim_token(db, token[:_MAX_LOOKUP])
    return wish, _message(settings, None, "no_claim", 404)


def _photo(upload: UploadFile | None) -> tuple[bytes, int, int] | None:
    if upload is None or not upload.filename:
        return None
    data = upload.file.read(photos.MAX_UPLOAD_BYTES + 1)
    if not data:
        return None
    return photos.reencoded(data)


@router.post("/wc/{token}/release")
def release(token: str, request: Request, db: DbSession, settings: Settings, csrf_token: Csrf = "") -> Response:
    wish, refused = _claimant_post(request, db, settings, token, csrf_token)
    if wish is None:
        return refused
    try:
        wishes.release(db, wish, "claimant")
    except wishes.WishRefused:
        return _message(settings, wish, "not_claimed", 409)
    db.commit()
    return _message(settings, wish, "released", 200)


@router.get("/w/{wish_id}/photo.jpg")
def photo(wish_id: Id, db: DbSession) -> Response:
    wish = _public_wish(db, wish_id)
    found = db.get(WishPhoto, wish_id) if wish is not None and wish.status == "fulfilled" else None
    if found is None:
        return Response("no such photo", status_code=404, media_type="text/plain", headers=_HEADERS)
    return Response(found.jpeg, media_type="image/jpeg",
                    headers={**_HEADERS, "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


@router.get("/ws/{tracking_number}")
def status_page(tracking_number: str, request: Request, db: DbSession, settings: Settings, c: str = "") -> Response:
    wait = request.app.state.feedback_status_limiter.try_acquire(db, client_address(request))
    if wait is not None:
        response = _message(settings, None, "rate_limited", 429)
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    wish = wishes.find_for_status(db, settings, tracking_number[:_MAX_LOOKUP], c[:_MAX_LOOKUP])
    if wish is None:
        return _message(settings, None, "no_status", 404)
    team = db.get(VolunteerTeam, wish.claim_team_id) if wish.claim_team_id else None
    return _page(settings, "wish_status.html", {"wish": wish, "team": team}, 200)


def _problems(*checks: Callable[[], object]) -> dict[str, str]:
    """Every field's refusal at once (field -> code), so the form shows all its errors together."""
    found = {}
    for check in checks:
        try:
            check()
        except wishes.WishRefused as exc:
            found[exc.field] = str(exc)
    return found


def _refused_post(request: Request, db: Session, settings: Settings, csrf_token: str) -> Response | None:
    refusal = post_refusal(request, db, request.app.state.wish_form_limiter, csrf_token, CSRF_COOKIE)
    if refusal is None:
        return None
    response = _message(settings, None, refusal.reason, refusal.status_code)
    if refusal.retry_after is not None:
        response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def _form(request: Request, settings: Settings, template: str, context: dict, status_code: int = 200) -> Response:
    """A page with a form: a fresh CSRF token in the form and in its cookie."""
    token = secrets.token_urlsafe(32)
    response = _page(settings, template, {**context, "csrf_field": CSRF_FIELD, "csrf_token": token}, status_code)
    response.set_cookie(CSRF_COOKIE, token, max_age=_FORM_SECONDS, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


def _message(settings: Settings, wish: Wish | None, reason: str, status_code: int) -> Response:
    return _page(settings, "wish_message.html", {"wish": wish, "reason": reason}, status_code)


def _page(settings: Settings, template: str, context: dict, status_code: int) -> HTMLResponse:
    zone = ZoneInfo(settings.timezone)

    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    return HTMLResponse(render_page(template, local=local, **context), status_code=status_code, headers=_HEADERS)
