"""Heartbeats: the latest status on the terminal row, the history, and online/offline derived from time.

A terminal is online while its last heartbeat is younger than 1.5 × the interval it was told. Outages
are recorded when the next heartbeat arrives late, so no background job is needed, whichever server
process takes the call.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import wire
from server.core.clock import as_utc
from server.fleet import schemas, terminal_events
from server.fleet.models import HeartbeatLog, Outage, Terminal

ONLINE_FACTOR = 1.5


def offline_at(terminal: Terminal) -> datetime | None:
    """When the terminal counts as gone if no heartbeat comes first; None before its first heartbeat."""
    if terminal.last_seen_at is None or terminal.heartbeat_seconds is None:
        return None
    return terminal.last_seen_at + timedelta(seconds=ONLINE_FACTOR * terminal.heartbeat_seconds)


def is_online(terminal: Terminal, now: datetime) -> bool:
    down = offline_at(terminal)
    return down is not None and now < down


def record(db: Session, terminal: Terminal, heartbeat: wire.Heartbeat, interval: int, now: datetime) -> None:
    """Store ``heartbeat`` as the terminal's latest status and in the history; close an outage if it was late.

    The caller holds the terminal row locked, so two heartbeats cannot both close the same outage.
    """
    went_down_at = offline_at(terminal)
    if went_down_at is not None and went_down_at < now:
        db.add(Outage(terminal_id=terminal.id, went_down_at=went_down_at, came_back_at=now))
        terminal_events.add(db, terminal.id, "network_lost", went_down_at)
        terminal_events.add(db, terminal.id, "network_back", now)
    terminal_events.from_heartbeat(db, terminal, heartbeat, now)
    terminal.last_seen_at = now
    terminal.heartbeat_seconds = interval
    terminal.app_version = heartbeat.app_version
    terminal.last_sync_at = as_utc(heartbeat.last_sync_at)
    terminal.outbox_depth = heartbeat.outbox_depth
    terminal.parked_count = heartbeat.parked_count
    terminal.free_disk_bytes = heartbeat.free_disk_bytes
    terminal.free_memory_bytes = heartbeat.free_memory_bytes
    terminal.peripherals = dict(heartbeat.peripherals)
    terminal.current_screen = heartbeat.current_screen
    terminal.config_version_applied = heartbeat.config_version
    terminal.config_error = heartbeat.config_error
    terminal.in_service = heartbeat.in_service
    db.add(HeartbeatLog(terminal_id=terminal.id, received_at=now, heartbeat=heartbeat.model_dump(mode="json")))


def outages(db: Session, terminal: Terminal, now: datetime, limit: int) -> list[schemas.Outage]:
    """Newest first; an outage still going on (came_back_at None) leads the list."""
    rows = db.scalars(
        select(Outage).where(Outage.terminal_id == terminal.id).order_by(Outage.went_down_at.desc()).limit(limit)
    )
    found = [schemas.Outage(went_down_at=row.went_down_at, came_back_at=row.came_back_at) for row in rows]
    went_down_at = offline_at(terminal)
    if went_down_at is not None and went_down_at <= now:
        found.insert(0, schemas.Outage(went_down_at=went_down_at, came_back_at=None))
    return found[:limit]
