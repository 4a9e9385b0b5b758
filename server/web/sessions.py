"""Console sign-in state: a random session token in an HttpOnly, SameSite=Strict cookie (its SHA-256 in
console_sessions), the per-session CSRF token every POST form must carry, and the role check."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from server.accounts.users import has_admin_role
from server.api.deps import DbSession
from server.core.clock import utcnow
from server.core.security import hash_secret
from server.fleet.models import Admin, ConsoleSession
from server.web.i18n import N_

SESSION_COOKIE = "console_session"
# Before sign-in there is no session: the login form's CSRF token is a cookie of its own (double submit).
LOGIN_CSRF_COOKIE = "console_login_csrf"
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """No valid session: the visitor is sent to the login page."""


class ConsoleDenied(Exception):
    """Shown as an error page with ``status_code``."""

    def __init__(self, reason: str, status_code: int = 403):
        self.reason = reason
        self.status_code = status_code


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/console", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")


def start_session(db: Session, request: Request, response: Response, admin: Admin, ttl_seconds: int) -> None:
    """A new session for ``admin`` (expired ones are cleared out); the caller commits."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    db.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
    db.add(ConsoleSession(token_hash=hash_secret(token), csrf_token=secrets.token_urlsafe(32), admin_id=admin.id,
                          created_at=now, expires_at=now + timedelta(seconds=ttl_seconds)))
    set_cookie(request, response, SESSION_COOKIE, token, ttl_seconds)


def end_session(db: Session, session: ConsoleSession, response: Response) -> None:
    db.delete(session)
    response.delete_cookie(SESSION_COOKIE, path="/console")


def csrf_matches(sent: object, expected: str) -> bool:
    return isinstance(sent, str) and bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def _signed_in(request: Request, db: DbSession) -> ConsoleSession:
    token = request.cookies.get(SESSION_COOKIE)
    session = db.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == hash_secret(token))) if token else None
    if session is None or session.expires_at <= utcnow():
        raise LoginRequired()
    return session


async def console_session(request: Request, session: Annotated[ConsoleSession, Depends(_signed_in)]) -> ConsoleSession:
    """The visitor's unexpired session; for a POST, also the form's CSRF token checked against it."""
    if request.method == "POST":
        form = await request.form()
        if not csrf_matches(form.get(CSRF_FIELD), session.csrf_token):
            raise ConsoleDenied(N_("The form expired or did not come from this console; reload the page and try again."))
    request.state.console_session = session
    return session


def staff(session: Annotated[ConsoleSession, Depends(console_session)]) -> Admin:
    return session.admin


def admin_role(user: Annotated[Admin, Depends(staff)]) -> Admin:
    if not has_admin_role(user):
        raise ConsoleDenied(N_("This needs the admin role."))
    return user


async def submitted_form(request: Request) -> FormData:
    """The whole form, for pages whose fields are not known in advance (the settings form)."""
    return await request.form()


SubmittedForm = Annotated[FormData, Depends(submitted_form)]
CurrentSession = Annotated[ConsoleSession, Depends(console_session)]
# Any signed-in administrator or operator.
ConsoleStaff = Annotated[Admin, Depends(staff)]
# The admin role: enrolment, revocation, pairing, configuration, staff accounts (operators handle the catalogue).
ConsoleAdmin = Annotated[Admin, Depends(admin_role)]
