"""The pending pairings on the terminals page: approve one as a new terminal, give it the credential of a
terminal whose reply was lost (re-issue), or reject it with a reason its kiosk shows. Admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.fleet import pairing, schemas
from server.fleet.api.enrolment import PairingCode
from server.fleet.console import terminal_forms
from server.fleet.console.terminals import list_page
from server.fleet.enrolment import EnrolmentRefused
from server.fleet.models import Pairing, Terminal
from server.web.i18n import N_
from server.web.sessions import ConsoleAdmin, ConsoleDenied

router = APIRouter()


def _pending(db, code: str) -> Pairing:
    try:
        return pairing.pending(db, code, utcnow())
    except EnrolmentRefused:
        # Unknown, decided already or lapsed: none of them is in the page's list of pending pairings any more.
        raise ConsoleDenied(N_("Not found"), 404) from None


def _refused(request: Request, db, form: str, exc: terminal_forms.FormRefused, typed: dict) -> Response:
    db.rollback()
    return list_page(request, db, {form: exc.errors}, {form: typed}, 422)


@router.post("/pairings/{code}/approve")
def approve(request: Request, code: PairingCode, user: ConsoleAdmin, db: DbSession, settings: Settings,
            name: Annotated[str, Form()] = "", location: Annotated[str, Form()] = "",
            group: Annotated[str, Form()] = "") -> Response:
    found = _pending(db, code)
    typed = terminal_forms.terminal_fields(name, location, group)
    try:
        body = terminal_forms.checked(schemas.PairingApprove, **typed)
    except terminal_forms.FormRefused as exc:
        return _refused(request, db, f"pair-{code}", exc, typed)
    terminal = pairing.approve(db, found, body.name, body.location, body.group, user.username,
                               settings.pairing_ttl_seconds, utcnow())
    db.commit()
    return RedirectResponse(f"/console/terminals/{terminal.id}", status_code=303)


@router.post("/pairings/{code}/reissue")
def reissue(request: Request, code: PairingCode, user: ConsoleAdmin, db: DbSession, settings: Settings,
            terminal: Annotated[str, Form()] = "") -> Response:
    """The kiosk showing ``code`` is ``terminal`` again: its reply (credential) was lost on the way."""
    found = _pending(db, code)
    chosen = db.get(Terminal, int(terminal)) if terminal.isdecimal() and len(terminal) < 10 else None
    if chosen is None or chosen.revoked_at is not None:
        return _refused(request, db, f"reissue-{code}", terminal_forms.missing("terminal"), {"terminal": terminal})
    pairing.reissue(db, found, chosen, user.username, settings.pairing_ttl_seconds, utcnow())
    db.commit()
    return RedirectResponse(f"/console/terminals/{chosen.id}", status_code=303)


@router.post("/pairings/{code}/reject")
def reject(request: Request, code: PairingCode, user: ConsoleAdmin, db: DbSession,
           reason: Annotated[str, Form()] = "") -> Response:
    found = _pending(db, code)
    typed = {"reason": reason.strip()}
    try:
        body = terminal_forms.checked(schemas.PairingReject, **typed)
    except terminal_forms.FormRefused as exc:
        return _refused(request, db, f"reject-{code}", exc, typed)
    pairing.reject(db, found, body.reason, user.username)
    db.commit()
    return RedirectResponse("/console/terminals#pairings", status_code=303)
