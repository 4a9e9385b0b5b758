"""A terminal's commands: fetch what is pending, report outcomes, upload a screenshot. Only its own, ever."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from sqlalchemy import update

from common import wire
from server.api.deps import CurrentTerminal, DbSession
from server.core.clock import utcnow
from server.fleet import commands
from server.fleet.models import Command, CommandLog, Screenshot

router = APIRouter(prefix="/terminal/commands", tags=["terminal"])
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NOT_YOURS: dict[int | str, dict[str, Any]] = {404: {"description": "no such command for this terminal"}}


@router.get("")
def pending_commands(terminal: CurrentTerminal, db: DbSession) -> list[wire.Command]:
    """Pending, unexpired commands, oldest first; they are marked delivered in the same statement."""
    now = utcnow()
    delivered = db.scalars(
        update(Command)
        .where(Command.terminal_id == terminal.id, Command.status == "pending", Command.expires_at > now)
        .values(status="delivered", delivered_at=now)
        .returning(Command)
    ).all()
    db.commit()
    return [commands.to_wire(command) for command in sorted(delivered, key=lambda c: c.id)]


@router.post("/{command_id}/result", status_code=status.HTTP_204_NO_CONTENT, responses=_NOT_YOURS)
def command_result(command_id: wire.Id, body: wire.CommandOutcome, terminal: CurrentTerminal, db: DbSession) -> Response:
    if body.command_id != command_id:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "command_id differs from the one in the path")
    if not commands.finish(db, terminal.id, body, utcnow()):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such command")
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _own_command(db, terminal, command_id: int, kind: str) -> Command:
    """The terminal's own command of this kind, locked while its upload is stored."""
    command = db.get(Command, command_id, with_for_update=True)
    if command is None or command.terminal_id != terminal.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such command")
    if command.kind != kind:
        raise HTTPException(status.HTTP_409_CONFLICT, f"this command does not ask for this upload (it is {command.kind})")
    return command


async def png_body(request: Request) -> bytes:
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() != "image/png":
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send the screenshot as image/png")
    body = await request.body()  # at most MAX_SCREENSHOT_BYTES: the route's limit answers 413 beyond
    if not body.startswith(PNG_SIGNATURE):
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "the body is not a PNG image")
    return body


@router.put("/{command_id}/screenshot", status_code=status.HTTP_204_NO_CONTENT,
            max_body_size=wire.MAX_SCREENSHOT_BYTES,
            openapi_extra={"requestBody": {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}},
            responses={**_NOT_YOURS, 409: {"description": "not a screenshot command"},
                       413: {"description": "larger than MAX_SCREENSHOT_BYTES"}, 415: {"description": "not a PNG"}})
def upload_screenshot(command_id: wire.Id, terminal: CurrentTerminal, png: Annotated[bytes, Depends(png_body)],
                      db: DbSession) -> Response:
    _own_command(db, terminal, command_id, "screenshot")
    screenshot = db.get(Screenshot, command_id)
    if screenshot is None:
        db.add(Screenshot(command_id=command_id, png=png, received_at=utcnow()))
    else:  # a retried upload replaces the first
        screenshot.png, screenshot.received_at = png, utcnow()
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def log_body(request: Request) -> str:
    if request.headers.get("content-type", "").partition(";")[0].strip().lower() != "text/plain":
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send the log as text/plain; charset=utf-8")
    return (await request.body()).decode("utf-8", errors="replace")


@router.put("/{command_id}/logs", status_code=status.HTTP_204_NO_CONTENT,
            max_body_size=wire.MAX_LOG_UPLOAD_BYTES,
            openapi_extra={"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}}},
            responses={**_NOT_YOURS, 409: {"description": "not an upload_logs command"},
                       413: {"description": "larger than MAX_LOG_UPLOAD_BYTES"}, 415: {"description": "not text/plain"}})
def upload_logs(command_id: wire.Id, terminal: CurrentTerminal, text: Annotated[str, Depends(log_body)],
                db: DbSession) -> Response:
    _own_command(db, terminal, command_id, "upload_logs")
    db.merge(CommandLog(command_id=command_id, text=text, received_at=utcnow()))  # a retried upload replaces the first
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
