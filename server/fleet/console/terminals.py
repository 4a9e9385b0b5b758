"""The fleet: terminal list (with live refresh), detail, remote commands, enrolment, revocation; the pending
pairings' forms are server/fleet/console/pairings.py."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from common import wire
from common.wire import Id
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.events.console import event_views
from server.fleet import commands, heartbeats, layers, pairing, schemas, terminals
from server.fleet.console import terminal_forms
from server.fleet.models import Command, CommandLog, HeartbeatLog, Screenshot, Terminal
from server.web.sessions import ConsoleAdmin, ConsoleDenied, ConsoleStaff
from server.web.templating import render

router = APIRouter()
COMMAND_KINDS = get_args(wire.CommandKind)
_HEARTBEATS_SHOWN = 50
_COMMANDS_SHOWN = 50
_OUTAGES_SHOWN = 20


def _statuses(db) -> list[schemas.TerminalStatus]:
    now, current = utcnow(), layers.current_layers(db)
    return [terminals.status(t, current, now) for t in db.scalars(select(Terminal).order_by(Terminal.id))]


def _terminal(db, terminal_id: Id) -> Terminal:
    terminal = db.get(Terminal, terminal_id)
    if terminal is None:
        raise ConsoleDenied("Not found", 404)
    return terminal


@router.get("/terminals")
def terminal_list(request: Request, user: ConsoleStaff, db: DbSession) -> Response:
    return list_page(request, db, {}, {})


def list_page(request: Request, db, errors: dict[str, dict[str, str]], typed: dict[str, dict[str, Any]],
              status_code: int = 200) -> Response:
    """The list with its enrol and pairing forms; ``errors`` and ``typed`` per form ("enrol", "pair-<code>",
    "reject-<code>", "reissue-<code>"): a refused form comes back as it was typed, each message by its field."""
    statuses = _statuses(db)
    return render(request, "terminals.html", {
        "terminals": statuses, "pairings": pairing.pending_list(db, utcnow()), "errors": errors, "typed": typed,
        "reissuable": [t for t in statuses if not t.revoked],
    }, status_code)


@router.get("/terminals/rows")
def terminal_rows(request: Request, user: ConsoleStaff, db: DbSession) -> Response:
    """The list's table body alone, for the page's ten-second refresh."""
    return render(request, "terminal_rows.html", {"terminals": _statuses(db)})


@router.get("/terminals/{terminal_id}")
def terminal_detail(request: Request, terminal_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    return _detail_page(request, db, terminal_id, error=None)


def _detail_page(request: Request, db, terminal_id: Id, error: str | None, status_code: int = 200) -> Response:
    terminal = _terminal(db, terminal_id)
    now = utcnow()
    beats = db.scalars(select(HeartbeatLog).where(HeartbeatLog.terminal_id == terminal.id)
                       .order_by(HeartbeatLog.id.desc()).limit(_HEARTBEATS_SHOWN))
    history = db.execute(
        select(Command, Screenshot.command_id.is_not(None)).outerjoin(Screenshot, Screenshot.command_id == Command.id)
        .where(Command.terminal_id == terminal.id).order_by(Command.id.desc()).limit(_COMMANDS_SHOWN)
    ).all()
    command_statuses = [commands.to_status(command, shot, now) for command, shot in history]
    screenshot = next((c for c in command_statuses if c.has_screenshot), None)
    uploaded_log = db.execute(select(Command.id, CommandLog.text, CommandLog.received_at)
                              .join(CommandLog, CommandLog.command_id == Command.id)
                              .where(Command.terminal_id == terminal.id).order_by(Command.id.desc()).limit(1)).first()
    return render(request, "terminal.html", {
        "t": terminals.status(terminal, layers.current_layers(db), now),
        "heartbeats": list(beats), "outages": heartbeats.outages(db, terminal, now, _OUTAGES_SHOWN),
        "commands": command_statuses, "screenshot": screenshot, "uploaded_log": uploaded_log, "kinds": COMMAND_KINDS, "error": error,
    }, status_code)


@router.post("/terminals/{terminal_id}/commands")
def send_command(request: Request, terminal_id: Id, user: ConsoleStaff, db: DbSession,
                 kind: Annotated[str, Form()], text_zh: Annotated[str, Form()] = "",
                 text_en: Annotated[str, Form()] = "", seconds: Annotated[int, Form()] = 30) -> Response:
    terminal = _terminal(db, terminal_id)
    if terminal.revoked_at is not None:
        raise ConsoleDenied("Revoked", 409)
    if kind not in COMMAND_KINDS:
        raise ConsoleDenied("Not found", 404)
    text = {"zh": text_zh, "en": text_en}
    by_kind: dict[str, dict[str, Any]] = {"show_message": {"text": text, "seconds": seconds},
                                          "out_of_service": {"message": text if text_zh or text_en else None}}
    args = by_kind.get(kind, {})
    try:
        commands.queue(db, terminal, kind, args, schemas.CommandRequest(kind=kind).ttl_seconds, user.username, utcnow())
    except (ValueError, ValidationError) as exc:
        db.rollback()
        return _detail_page(request, db, terminal_id, str(exc), 422)
    db.commit()
    return RedirectResponse(f"/console/terminals/{terminal_id}#commands", status_code=303)


@router.get("/screenshots/{command_id}.png")
def screenshot(command_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    png = db.scalar(select(Screenshot.png).where(Screenshot.command_id == command_id))
    if png is None:
        raise ConsoleDenied("Not found", 404)
    return Response(png, media_type="image/png")


@router.post("/terminals")
def enrol(request: Request, user: ConsoleAdmin, db: DbSession, settings: Settings, name: Annotated[str, Form()] = "",
          location: Annotated[str, Form()] = "", group: Annotated[str, Form()] = "") -> Response:
    typed = terminal_forms.terminal_fields(name, location, group)
    try:
        body = terminal_forms.checked(schemas.TerminalCreate, **typed)
    except terminal_forms.FormRefused as exc:
        return list_page(request, db, {"enrol": exc.errors}, {"enrol": typed}, 422)
    terminal = terminals.create_terminal(db, body.name, body.location, body.group, user.username)
    code = terminals.issue_enrolment_code(db, terminal, settings.enrolment_code_ttl_seconds, user.username)
    db.commit()
    return _show_code(request, terminal, code)


@router.post("/terminals/{terminal_id}/enrolment-code")
def new_code(request: Request, terminal_id: Id, user: ConsoleAdmin, db: DbSession, settings: Settings) -> Response:
    terminal = _terminal(db, terminal_id)
    code = terminals.issue_enrolment_code(db, terminal, settings.enrolment_code_ttl_seconds, user.username)
    db.commit()
    return _show_code(request, terminal, code)


def _show_code(request: Request, terminal: Terminal, code: schemas.EnrolmentCode) -> Response:
    # The QR carries the server's address too, so a kiosk enrols by scanning it with its own scanner.
    qr = event_views.qr_data_uri(event_views.enrolment_qr_text(code.code, request))
    return render(request, "enrolled.html", {"terminal": terminal, "code": code, "qr": qr})


@router.get("/terminals/{terminal_id}/revoke")
def confirm_revoke(request: Request, terminal_id: Id, user: ConsoleAdmin, db: DbSession) -> Response:
    return render(request, "revoke.html", {"terminal": _terminal(db, terminal_id)})


@router.post("/terminals/{terminal_id}/revoke")
def revoke(terminal_id: Id, user: ConsoleAdmin, db: DbSession) -> Response:
    terminals.revoke(db, _terminal(db, terminal_id), user.username)
    db.commit()
    return RedirectResponse(f"/console/terminals/{terminal_id}", status_code=303)
