"""What happened to a terminal, as its heartbeats tell it: the app started (its first heartbeat) or restarted (its
uptime went back), the network lost and back (an outage closed by a late heartbeat), an update applied (a new app
version). Derived on the server, so every kiosk version reports them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import wire
from server.fleet.models import HeartbeatLog, Terminal, TerminalEvent

EVENT_KINDS = ("app_started", "app_restarted", "network_lost", "network_back", "update_applied")
# An uptime past this is nonsense from a broken clock; the start is then put at now less this much.
MAX_UPTIME_SECONDS = 10 * 365 * 86_400


def add(db: Session, terminal_id: int, kind: str, at: datetime, detail: str = "") -> None:
    db.add(TerminalEvent(terminal_id=terminal_id, kind=kind, occurred_at=at, detail=detail[:200]))


def from_heartbeat(db: Session, terminal: Terminal, heartbeat: wire.Heartbeat, now: datetime) -> None:
    """The events this heartbeat shows, compared with the terminal's previous one (called before it is stored)."""
    previous = db.scalar(select(HeartbeatLog.heartbeat).where(HeartbeatLog.terminal_id == terminal.id)
                         .order_by(HeartbeatLog.id.desc()).limit(1))
    started_at = now - timedelta(seconds=min(heartbeat.uptime_seconds, MAX_UPTIME_SECONDS))
    if previous is None:
        add(db, terminal.id, "app_started", started_at, heartbeat.app_version)
        return
    if heartbeat.uptime_seconds < float(previous.get("uptime_seconds", 0)):
        add(db, terminal.id, "app_restarted", started_at, heartbeat.app_version)
    if terminal.app_version and heartbeat.app_version != terminal.app_version:
        add(db, terminal.id, "update_applied", now, f"{terminal.app_version} → {heartbeat.app_version}")


def recent(db: Session, terminal_id: int, limit: int) -> list[TerminalEvent]:
    return list(db.scalars(select(TerminalEvent).where(TerminalEvent.terminal_id == terminal_id)
                           .order_by(TerminalEvent.occurred_at.desc(), TerminalEvent.id.desc()).limit(limit)))
