"""Commands for administrators and operators: queue one for a terminal, follow it, fetch its screenshot."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from sqlalchemy import select

from common import wire
from server.api.deps import CurrentStaff, DbSession, PathTerminal
from server.core.clock import utcnow
from server.fleet import commands, schemas
from server.fleet.models import Command, CommandLog, Screenshot

router = APIRouter(prefix="/admin", tags=["admin"])


@router.post("/terminals/{terminal_id}/commands", status_code=status.HTTP_201_CREATED,
             responses={409: {"description": "the terminal is revoked"}})
def queue_command(staff: CurrentStaff, terminal: PathTerminal, body: schemas.CommandRequest,
                  db: DbSession) -> schemas.CommandStatus:
    if terminal.revoked_at is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "the terminal is revoked")
    now = utcnow()
    try:
        command = commands.queue(db, terminal, body.kind, body.args, body.ttl_seconds, staff.username, now)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"args: {exc}") from None
    db.commit()
    return commands.to_status(command, False, now)


@router.get("/terminals/{terminal_id}/commands")
def terminal_commands(staff: CurrentStaff, terminal: PathTerminal, db: DbSession,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[schemas.CommandStatus]:
    """Newest first."""
    rows = db.execute(
        select(Command, Screenshot.command_id.is_not(None))
        .outerjoin(Screenshot, Screenshot.command_id == Command.id)
        .where(Command.terminal_id == terminal.id).order_by(Command.id.desc()).limit(limit)
    ).all()
    now = utcnow()
    return [commands.to_status(command, has_screenshot, now) for command, has_screenshot in rows]


@router.get("/commands/{command_id}/screenshot", response_class=Response,
            responses={200: {"content": {"image/png": {}}}, 404: {"description": "no screenshot for this command"}})
def screenshot(command_id: wire.Id, staff: CurrentStaff, db: DbSession) -> Response:
    png = db.scalar(select(Screenshot.png).where(Screenshot.command_id == command_id))
    if png is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no screenshot for this command")
    return Response(png, media_type="image/png")


@router.get("/commands/{command_id}/logs", response_class=Response,
            responses={200: {"content": {"text/plain": {}}}, 404: {"description": "no log for this command"}})
def logs(command_id: wire.Id, staff: CurrentStaff, db: DbSession) -> Response:
    text = db.scalar(select(CommandLog.text).where(CommandLog.command_id == command_id))
    if text is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no log for this command")
    return Response(text, media_type="text/plain; charset=utf-8")
