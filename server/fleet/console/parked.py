"""Parked records: what the server refused to store from the terminals, each with its error; an admin retries
one (stored if it passes now) or discards it with a reason. Staff see the list; only admins act on it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from common.wire import Id
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.fleet import parked
from server.fleet.models import ParkedRecord, Terminal
from server.web.i18n import N_
from server.web.sessions import ConsoleAdmin, ConsoleDenied, ConsoleStaff
from server.web.templating import render

router = APIRouter()
_WAITING_SHOWN = 200
_RESOLVED_SHOWN = 50


def _page(request: Request, db, errors: dict[int, str], typed: dict[int, str], retry_errors: dict[int, str],
          status_code: int = 200) -> Response:
    """The list; ``errors``/``typed``: a discard form refused (by record), ``retry_errors``: a retry refused
    again (its new error)."""
    waiting, done = parked.waiting(db, _WAITING_SHOWN), parked.resolved(db, _RESOLVED_SHOWN)
    ids = {p.terminal_id for p in waiting + done}
    names = dict(db.execute(select(Terminal.id, Terminal.name).where(Terminal.id.in_(ids))).all()) if ids else {}
    return render(request, "parked.html", {
        "waiting": waiting, "resolved": done, "names": names, "errors": errors, "typed": typed, "retry_errors": retry_errors,
        "reason_max": parked.DISCARD_REASON_MAX,
    }, status_code)


def _parked(db, parked_id: Id) -> ParkedRecord:
    found = parked.locked(db, parked_id)
    if found is None or found.status != "parked":
        raise ConsoleDenied(N_("Not found"), 404)  # retried or discarded already: no longer in the list
    return found


@router.get("/parked")
def parked_list(request: Request, user: ConsoleStaff, db: DbSession) -> Response:
    return _page(request, db, {}, {}, {})


@router.post("/parked/{parked_id}/retry")
def retry(request: Request, parked_id: Id, user: ConsoleAdmin, db: DbSession, settings: Settings) -> Response:
    error = parked.retry(db, _parked(db, parked_id), settings, user.username, utcnow())
    db.commit()
    if error is not None:
        return _page(request, db, {}, {}, {parked_id: error}, 422)
    return RedirectResponse("/console/parked", status_code=303)


@router.post("/parked/{parked_id}/discard")
def discard(request: Request, parked_id: Id, user: ConsoleAdmin, db: DbSession,
            reason: Annotated[str, Form()] = "") -> Response:
    found = _parked(db, parked_id)
    reason = reason.strip()
    if not reason or len(reason) > parked.DISCARD_REASON_MAX:
        db.rollback()
        return _page(request, db, {parked_id: N_("Say why the record is discarded, in at most 500 characters.")},
                     {parked_id: reason}, {}, 422)
    parked.discard(db, found, reason, user.username, utcnow())
    db.commit()
    return RedirectResponse("/console/parked", status_code=303)
