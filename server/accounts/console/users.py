"""Staff accounts (admin role only): list, create, change role, reset password, unlock, delete (after asking)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from common.wire import Id
from server.accounts import users as accounts
from server.api.deps import DbSession
from server.core.clock import utcnow
from server.fleet.models import Admin, ConsoleSession
from server.web.i18n import N_
from server.web.sessions import ConsoleAdmin, ConsoleDenied
from server.web.templating import render

router = APIRouter()


def _account(db, user_id: Id) -> Admin:
    admin = db.get(Admin, user_id)
    if admin is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return admin


def _list_page(request: Request, db, errors: dict, form: dict, status_code: int = 200) -> Response:
    now = utcnow()
    sessions = dict(db.execute(select(ConsoleSession.admin_id, func.count()).where(ConsoleSession.expires_at > now)
                               .group_by(ConsoleSession.admin_id)).all())
    users = list(db.scalars(select(Admin).order_by(Admin.username)))
    return render(request, "users.html", {"users": users, "sessions": sessions, "now": now, "roles": accounts.ROLES,
                                          "errors": errors, "form": form}, status_code)


def _user_page(request: Request, db, admin: Admin, errors: dict, status_code: int = 200) -> Response:
    return render(request, "user.html", {"account": admin, "now": utcnow(), "roles": accounts.ROLES,
                                         "errors": errors}, status_code)


def _refused(request: Request, db, admin: Admin, exc: accounts.AccountRefused) -> Response:
    db.rollback()
    return _user_page(request, db, _account(db, admin.id), {exc.field: str(exc)}, 422)


@router.get("/users")
def user_list(request: Request, user: ConsoleAdmin, db: DbSession) -> Response:
    return _list_page(request, db, {}, {"role": "operator"})


@router.post("/users")
def create_user(request: Request, user: ConsoleAdmin, db: DbSession, username: Annotated[str, Form()] = "",
                role: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                confirm: Annotated[str, Form()] = "") -> Response:
    form = {"username": username, "role": role}
    try:
        if password != confirm:
            raise accounts.AccountRefused("confirm", N_("The two passwords differ."))
        created = accounts.create_account(db, username, role, password, user.username)
    except accounts.AccountRefused as exc:
        db.rollback()
        return _list_page(request, db, {exc.field: str(exc)}, form, 422)
    db.commit()
    return RedirectResponse(f"/console/users/{created.id}", status_code=303)


@router.get("/users/{user_id}")
def user_detail(request: Request, user_id: Id, user: ConsoleAdmin, db: DbSession) -> Response:
    return _user_page(request, db, _account(db, user_id), {})


@router.post("/users/{user_id}/role")
def change_role(request: Request, user_id: Id, user: ConsoleAdmin, db: DbSession,
                role: Annotated[str, Form()] = "") -> Response:
    admin = _account(db, user_id)
    try:
        accounts.change_role(db, admin, role, user)
    except accounts.AccountRefused as exc:
        return _refused(request, db, admin, exc)
    db.commit()
    return RedirectResponse(f"/console/users/{user_id}", status_code=303)


@router.post("/users/{user_id}/password")
def reset_password(request: Request, user_id: Id, user: ConsoleAdmin, db: DbSession,
                   password: Annotated[str, Form()] = "", confirm: Annotated[str, Form()] = "") -> Response:
    admin = _account(db, user_id)
    try:
        if password != confirm:
            raise accounts.AccountRefused("confirm", N_("The two passwords differ."))
        accounts.reset_password(db, admin, password, user.username)
    except accounts.AccountRefused as exc:
        return _refused(request, db, admin, exc)
    db.commit()
    # Resetting one's own password ends one's own session too: the redirect then lands on the login page.
    return RedirectResponse(f"/console/users/{user_id}", status_code=303)


@router.post("/users/{user_id}/unlock")
def unlock(user_id: Id, user: ConsoleAdmin, db: DbSession) -> Response:
    accounts.unlock(db, _account(db, user_id), user.username)
    db.commit()
    return RedirectResponse(f"/console/users/{user_id}", status_code=303)


@router.get("/users/{user_id}/delete")
def confirm_delete(request: Request, user_id: Id, user: ConsoleAdmin, db: DbSession) -> Response:
    return render(request, "user_delete.html", {"account": _account(db, user_id)})


@router.post("/users/{user_id}/delete")
def delete_user(request: Request, user_id: Id, user: ConsoleAdmin, db: DbSession) -> Response:
    admin = _account(db, user_id)
    try:
        accounts.delete_account(db, admin, user)
    except accounts.AccountRefused as exc:
        return _refused(request, db, admin, exc)
    db.commit()
    return RedirectResponse("/console/users", status_code=303)
