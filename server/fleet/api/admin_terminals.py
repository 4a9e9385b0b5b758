"""The fleet for administrators: terminals and their status, enrolment codes, revocation, heartbeats, outages,
events and time offline."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from server.api.deps import CurrentAdmin, CurrentStaff, DbSession, PathTerminal, Settings
from server.core.clock import utcnow
from server.fleet import availability, heartbeats, layers, schemas, terminal_events, terminals
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


@router.get("/{terminal_id}/events")
def events(staff: CurrentStaff, terminal: PathTerminal, db: DbSession,
           limit: Limit = 100) -> list[schemas.TerminalEventOut]:
    """Newest first: app started or restarted, network lost and back, update applied."""
    return [schemas.TerminalEventOut(kind=e.kind, occurred_at=e.occurred_at, detail=e.detail)
            for e in terminal_events.recent(db, terminal.id, limit)]


@router.get("/{terminal_id}/offline-report")
def offline_report(staff: CurrentStaff, terminal: PathTerminal, db: DbSession,
                   settings: Settings) -> schemas.OfflineReport:
    """Time offline per local day (the last 31) and month (the last 12), from the terminal's outages."""
    report = availability.report(db, terminal, utcnow(), ZoneInfo(settings.timezone))

    def periods(rows: list[availability.Period]) -> list[schemas.OfflinePeriod]:
        return [schemas.OfflinePeriod(period=row.label, offline_seconds=row.offline_seconds,
                                      span_seconds=row.span_seconds) for row in rows]

    return schemas.OfflineReport(timezone=settings.timezone, days=periods(report.days), months=periods(report.months))


@router.get("/{terminal_id}/outages")
def outages(staff: CurrentStaff, terminal: PathTerminal, db: DbSession, limit: Limit = 100) -> list[schemas.Outage]:
    """Newest first; one still going on has no came_back_at."""
    return heartbeats.outages(db, terminal, utcnow(), limit)
