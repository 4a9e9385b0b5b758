"""The queue's public pages: the lobby display (a TV browser, full screen, updated without reloading) and the
phone page that follows a number by its slip's QR, where a served number is rated. No login: the display shows
numbers and windows only; the phone page needs the slip's unguessable token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.queueing import calls, numbers, ratings
from server.web.i18n import N_
from server.web.phone_templating import render_page

router = APIRouter(include_in_schema=False)
# The latest calls the display lists under the one just made.
DISPLAY_CALLS = 6
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
_RATING_ERRORS = {"rating": N_("Please choose a rating."), "reason": N_("Please say what went wrong."),
                  "status": N_("This number cannot be rated now.")}


def _language(request: Request) -> str:
    chosen = request.query_params.get("lang", "")
    if chosen in ("zh_CN", "en"):
        return chosen
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh_CN"


@router.get("/q/display")
def display(request: Request) -> HTMLResponse:
    return HTMLResponse(render_page("queue_display.html", _language(request)), headers=_HEADERS)


@router.get("/q/display.json")
def display_state(db: DbSession) -> JSONResponse:
    """The latest calls (newest first) and, per open window, the next number waiting."""
    latest = list(reversed(calls.calls_after(db, 0, limit=DISPLAY_CALLS)))
    return JSONResponse({"calls": [call.model_dump(mode="json") for call in latest], "next": calls.next_numbers(db)},
                        headers=_HEADERS)


def _follow(request: Request, db, settings, token: str, lang: str, errors: dict | None = None,
            status_code: int = 200) -> HTMLResponse:
    ticket = numbers.by_token(db, token[:64])
    if ticket is None:
        return HTMLResponse(render_page("queue_follow.html", lang, state="unknown"), status_code=404,
                            headers=_HEADERS)
    answer = ratings.slip_answer(db, ticket)
    position = numbers.position_of(db, ticket, utcnow(), settings.timezone)
    return HTMLResponse(render_page(
        "queue_follow.html", lang, state=answer.state, number=ticket.number,
        service=answer.service_name.get(lang) if answer.service_name else ticket.service_code,
        window=answer.window.get(lang) if answer.window else "", position=position, token=ticket.token,
        errors=errors or {}, other_lang="en" if lang == "zh_CN" else "zh_CN"), status_code=status_code,
        headers=_HEADERS)


@router.get("/q/{token}/state.json")
def follow_state(token: str, db: DbSession, settings: Settings) -> JSONResponse:
    """What the phone page updates in place: the state, people ahead and the wait."""
    ticket = numbers.by_token(db, token[:64])
    if ticket is None:
        return JSONResponse({"state": "unknown"}, status_code=404, headers=_HEADERS)
    position = numbers.position_of(db, ticket, utcnow(), settings.timezone)
    state = ratings.slip_answer(db, ticket).state
    return JSONResponse({"state": state, "people_ahead": position.people_ahead, "wait_minutes": position.wait_minutes},
                        headers=_HEADERS)


@router.get("/q/{token}")
def follow(request: Request, token: str, db: DbSession, settings: Settings) -> HTMLResponse:
    return _follow(request, db, settings, token, _language(request))


@router.post("/q/{token}/rating", response_model=None)
def rate(request: Request, token: str, db: DbSession, settings: Settings, rating: Annotated[str, Form()] = "",
         reason: Annotated[str, Form()] = "", lang: Annotated[str, Form()] = "zh_CN") -> Response:
    lang = lang if lang in ("zh_CN", "en") else "zh_CN"
    ticket = ratings.locked_by_token(db, token[:64])
    if ticket is None:
        return _follow(request, db, settings, token, lang)
    try:
        chosen = int(rating) if rating in ("1", "2", "3", "4", "5") else 0
        ratings.rate(db, settings, ticket, chosen, reason, lang, utcnow())
    except ratings.RatingRefused as refused:
        db.rollback()
        return _follow(request, db, settings, token, lang, {refused.field: _RATING_ERRORS[refused.field]}, 422)
    db.commit()
    return RedirectResponse(f"/q/{ticket.token}?lang={lang}", status_code=303)
