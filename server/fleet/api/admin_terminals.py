"""The fleet for administrators: terminals and their status, enrolment codes, revocation, heartbeats, outages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from server.api.deps import CurrentAdmin, CurrentStaff, DbSession, PathTerminal, Settings
from server.core.clock import utcnow
from server.fleet import heartbeats, layers, schemas, terminals
from server.fleet.models import HeartbeatLog, Terminal
from server.fleet.schemas import StoredHeartbeat

router = APIRouter(prefix="/admin/terminals", tags=["admin"])
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("")
def list_terminals(staff: CurrentStaff, db: DbSession) -> list[schemas.TerminalStatus]:
    now, current = utcnow(), layers.current_layers(db)
    return [terminals.status(t, current, now) for t in db.scalars(select(Terminal).order_by(Terminal.id))]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_terminal(body: schemas.TerminalCreate, admin: CurrentAdmin, db: DbSession,
                    settings: Settings) -> schemas.EnrolmentCode:
    terminal = terminals.create_terminal(db, body.name, body.location, body.group, admin.username)
    code = terminals.issue_enrolment_code(db, terminal, settings.enrolment_code_ttl_seconds, admin.username)
    db.commit()
    return code


@router.get("/{terminal_id}")
def terminal_status(staff: CurrentStaff, terminal: PathTerminal, db: DbSession) -> schemas.TerminalStatus:
    return terminals.status(terminal, layers.current_layers(db), utcnow())


@router.post("/{terminal_id}/enrolment-code")
def new_enrolment_code(admin: CurrentAdmin, terminal: PathTerminal, db: DbSession,
                       settings: Settings) -> schemas.EnrolmentCode:
    code = terminals.issue_enrolment_code(db, terminal, settings.enrolment_code_ttl_seconds, admin.username)
    db.commit()
    return code


@router.post("/{terminal_id}/revoke")
def revoke(admin: CurrentAdmin, terminal: PathTerminal, db: DbSession) -> schemas.TerminalStatus:
    """The terminal's credential stops working at once, and its unused enrolment codes with it."""
    terminals.revoke(db, terminal, admin.username)
    db.commit()
    return terminals.status(terminal, layers.current_layers(db), utcnow())


@router.get("/{terminal_id}/heartbeats")
def heartbeat_history(staff: CurrentStaff, terminal: PathTerminal, db: DbSession,
                      limit: Limit = 100) -> list[StoredHeartbeat]:
    """Newest first."""
    rows = db.scalars(select(HeartbeatLog).where(HeartbeatLog.terminal_id == terminal.id)
                      .order_by(HeartbeatLog.id.desc()).limit(limit))
    return [StoredHeartbeat(**row.heartbeat, received_at=row.received_at) for row in rows]


@router.get("/{terminal_id}/outages")
def outages(staff: CurrentStaff, terminal: PathTerminal, db: DbSession, limit: Limit = 100) -> list[schemas.Outage]:
    """Newest first; one still going on has no came_back_at."""
    return heartbeats.outages(db, terminal, utcnow(), limit)
