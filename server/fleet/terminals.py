"""Terminals: creation (with their group), one-time enrolment codes, and the status shown to administrators."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.audit.log import audit
from server.core.clock import utcnow
from server.core.security import hash_secret, new_enrolment_code
from server.fleet import heartbeats, layers, schemas
from server.fleet.models import EnrolmentCode, Terminal, TerminalGroup


def find_group(db: Session, name: str) -> TerminalGroup | None:
    return db.scalar(select(TerminalGroup).where(TerminalGroup.name == name))


def _group(db: Session, name: str) -> TerminalGroup:
    group = find_group(db, name)
    if group is not None:
        return group
    try:
        with db.begin_nested():
            group = TerminalGroup(name=name)
            db.add(group)
        return group
    except IntegrityError:  # another process created it a moment ago
        group = find_group(db, name)
        if group is None:
            raise
        return group


class GroupExists(ValueError):
    """A group of that name (letter case aside) is there already."""


def create_group(db: Session, name: str, actor: str) -> TerminalGroup:
    """A new, empty group (its configuration layer is set on its page); ``GroupExists`` for a name taken, letter
    case aside ("Tower-T1" and "tower-t1" would be told apart by nobody reading the console)."""
    taken = db.scalar(select(TerminalGroup.name).where(func.lower(TerminalGroup.name) == name.lower()))
    if taken is not None:
        raise GroupExists(taken)
    try:
        with db.begin_nested():
            group = TerminalGroup(name=name)
            db.add(group)
    except IntegrityError:  # another admin created it a moment ago
        raise GroupExists(name) from None
    audit(db, actor, "group.create", f"group:{name}")
    return group


def create_terminal(db: Session, name: str, location: str, group: str | None, actor: str) -> Terminal:
    terminal = Terminal(name=name, location=location, group=_group(db, group) if group else None)
    db.add(terminal)
    db.flush()
    audit(db, actor, "terminal.create", f"terminal:{terminal.id}", name=name, location=location, group=group)
    return terminal


def issue_enrolment_code(db: Session, terminal: Terminal, ttl_seconds: int, actor: str) -> schemas.EnrolmentCode:
    """A fresh one-time code, the terminal's earlier unused ones no longer valid (a lost or leaked code is
    replaced, not joined); redeeming it gives the terminal a new credential (the old one stays until then)."""
    code = new_enrolment_code()
    expires_at = utcnow() + timedelta(seconds=ttl_seconds)
    replaced = _drop_unused_codes(db, terminal)
    db.add(EnrolmentCode(code_hash=hash_secret(code), terminal_id=terminal.id, created_by=actor, expires_at=expires_at))
    audit(db, actor, "terminal.enrolment_code", f"terminal:{terminal.id}", expires_at=expires_at.isoformat(),
          codes_replaced=replaced)
    return schemas.EnrolmentCode(terminal_id=terminal.id, code=code, expires_at=expires_at)


def _drop_unused_codes(db: Session, terminal: Terminal) -> int:
    result = db.execute(delete(EnrolmentCode).where(EnrolmentCode.terminal_id == terminal.id,
                                                    EnrolmentCode.used_at.is_(None)))
    return cast(CursorResult, result).rowcount


def invalidate_credential(db: Session, terminal: Terminal) -> None:
    """The terminal's credential and unused enrolment codes stop working; it is enrolled again by a pairing."""
    terminal.token_hash = None
    _drop_unused_codes(db, terminal)


def revoke(db: Session, terminal: Terminal, actor: str) -> None:
    """The terminal's credential stops working at once, and its unused enrolment codes with it."""
    if terminal.revoked_at is None:
        terminal.revoked_at = utcnow()
        _drop_unused_codes(db, terminal)
        audit(db, actor, "terminal.revoke", f"terminal:{terminal.id}")


def status(terminal: Terminal, current_layers: layers.Layers, now: datetime) -> schemas.TerminalStatus:
    online = heartbeats.is_online(terminal, now)
    return schemas.TerminalStatus(
        id=terminal.id,
        name=terminal.name,
        location=terminal.location,
        group=terminal.group.name if terminal.group else None,
        online=online,
        revoked=terminal.revoked_at is not None,
        enrolled=terminal.token_hash is not None,
        last_seen_at=terminal.last_seen_at,
        offline_since=None if online else heartbeats.offline_at(terminal),
        app_version=terminal.app_version,
        last_sync_at=terminal.last_sync_at,
        outbox_depth=terminal.outbox_depth,
        parked_count=terminal.parked_count,
        free_disk_bytes=terminal.free_disk_bytes,
        peripherals=terminal.peripherals or {},
        current_screen=terminal.current_screen,
        config_version_applied=terminal.config_version_applied,
        config_version_current=layers.config_version(current_layers, terminal),
        config_error=terminal.config_error,
        in_service=terminal.in_service,
    )
