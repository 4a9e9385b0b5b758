"""A terminal group created directly (not only by enrolling a terminal into it), so that its configuration can
be set before its terminals arrive. Admins only; audited."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from server.api.deps import DbSession
from server.fleet import schemas, terminals
from server.fleet.console import terminal_forms
from server.fleet.console.config import index_page
from server.web.i18n import N_
from server.web.sessions import ConsoleAdmin

router = APIRouter()


@router.post("/groups")
def create_group(request: Request, user: ConsoleAdmin, db: DbSession, group: Annotated[str, Form()] = "") -> Response:
    typed = {"group": group.strip()}
    try:
        name = terminal_forms.checked(schemas.GroupCreate, **typed).group
        terminals.create_group(db, name, user.username)
    except terminal_forms.FormRefused as exc:
        return index_page(request, db, exc.errors, typed, 422)
    except terminals.GroupExists:
        db.rollback()
        return index_page(request, db, {"group": N_("There is a group of that name already.")}, typed, 422)
    db.commit()
    return RedirectResponse(f"/console/config/group/{quote(name, safe='')}", status_code=303)
