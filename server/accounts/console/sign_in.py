"""Sign in, sign out, and the language switch."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from server.accounts.users import LockedOut, sign_in
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.web.i18n import LANGUAGE_COOKIE, LANGUAGES, N_
from server.web.sessions import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    ConsoleDenied,
    CurrentSession,
    csrf_matches,
    end_session,
    set_cookie,
    start_session,
)
from server.web.templating import render

router = APIRouter()
_LOGIN_FORM_SECONDS = 3600


@router.get("/")
def home(session: CurrentSession) -> RedirectResponse:
    return RedirectResponse("/console/terminals", status_code=303)


@router.get("/login")
def login_page(request: Request) -> Response:
    return _login_form(request, error=None)


@router.post("/login")
def login(request: Request, db: DbSession, settings: Settings, username: Annotated[str, Form()],
          password: Annotated[str, Form()], csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> Response:
    if not csrf_matches(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE, "")):
        raise ConsoleDenied(N_("The form expired or did not come from this console; reload the page and try again."))
    admin = sign_in(db, username, password, settings, utcnow())
    if isinstance(admin, LockedOut):
        return _login_form(request, N_("Too many failed sign-ins: this account is locked for a while."), 429)
    if admin is None:
        return _login_form(request, N_("Bad username or password."), 401)
    response = RedirectResponse("/console/terminals", status_code=303)
    start_session(db, request, response, admin, settings.admin_token_ttl_seconds)
    db.commit()
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
    return response


@router.post("/logout")
def logout(session: CurrentSession, db: DbSession) -> Response:
    response = RedirectResponse("/console/login", status_code=303)
    end_session(db, session, response)
    db.commit()
    return response


@router.get("/language/{code}")
def switch_language(code: str, request: Request) -> Response:
    back = request.headers.get("referer", "")
    # Only back to a console page of this site, never to wherever a Referer points.
    target = back if back.startswith(str(request.base_url) + "console/") else "/console/terminals"
    response = RedirectResponse(target, status_code=303)
    if code in LANGUAGES:
        set_cookie(request, response, LANGUAGE_COOKIE, code, 365 * 86_400)
    return response


def _login_form(request: Request, error: str | None, status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", {"error": error, "login_csrf": token}, status_code)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, _LOGIN_FORM_SECONDS)
    return response
