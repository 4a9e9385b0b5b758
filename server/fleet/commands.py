"""Remote commands: checked arguments, status (expiry is derived, never stored) and a terminal's outcome."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common import wire
from server.audit.log import audit
from server.core import push
from server.fleet import schemas
from server.fleet.models import Command, Terminal

# Kinds that take arguments, and their model; every other kind takes none.
_ARGUMENTS: dict[str, type[wire.WireModel]] = {"show_message": wire.ShowMessageArgs,
                                               "out_of_service": wire.OutOfServiceArgs,
                                               "upload_logs": wire.UploadLogsArgs}


def checked_arguments(kind: str, args: dict) -> dict:
    """``args`` validated for ``kind`` (raises ValueError, pydantic's ValidationError included)."""
    model = _ARGUMENTS.get(kind)
    if model is None:
        if args:
            raise ValueError(f"{kind} takes no arguments")
        return {}
    return model.model_validate(args).model_dump(mode="json")


def queue(db: Session, terminal: Terminal, kind: str, args: dict, ttl_seconds: int, actor: str,
          now: datetime) -> Command:
    """A pending command for ``terminal``, audited (raises ValueError for bad ``args``).

    The caller refuses revoked terminals first.
    """
    checked = checked_arguments(kind, args)
    command = Command(terminal_id=terminal.id, kind=kind, args=checked, status="pending", created_by=actor,
                      created_at=now, expires_at=now + timedelta(seconds=ttl_seconds))
    db.add(command)
    db.flush()
    audit(db, actor, "command.create", f"terminal:{terminal.id}", command_id=command.id, kind=kind, args=checked)
    push.announce(db, terminal.id)  # a terminal waiting on a long poll comes for it at once
    return command


def pending_count(db: Session, terminal_id: int, now: datetime) -> int:
    """How many commands wait for the terminal's next poll (expired ones no longer do)."""
    return db.scalar(select(func.count()).select_from(Command).where(
        Command.terminal_id == terminal_id, Command.status == "pending", Command.expires_at > now)) or 0


def status_of(command: Command, now: datetime) -> str:
    if command.status == "pending" and command.expires_at <= now:
        return "expired"
    return command.status


def to_wire(command: Command) -> wire.Command:
    return wire.Command(id=command.id, kind=command.kind, args=command.args, created_at=command.created_at,
                        expires_at=command.expires_at)


def to_status(command: Command, has_screenshot: bool, now: datetime) -> schemas.CommandStatus:
    return schemas.CommandStatus(
        **to_wire(command).model_dump(), status=status_of(command, now), delivered_at=command.delivered_at,
        finished_at=command.finished_at, result=command.result, has_screenshot=has_screenshot,
    )


def finish(db: Session, terminal_id: int, outcome: wire.CommandOutcome, now: datetime) -> bool:
    """Record the outcome of the terminal's own command; False when it has no such command.

    The first outcome counts: a terminal repeating it (a retry after a lost reply) changes nothing.
    """
    command = db.get(Command, outcome.command_id, with_for_update=True)
    if command is None or command.terminal_id != terminal_id:
        return False
    if command.finished_at is None:
        command.status = "done" if outcome.ok else "failed"
        command.result = outcome.detail
        command.finished_at = now
        command.delivered_at = command.delivered_at or now
    return True
