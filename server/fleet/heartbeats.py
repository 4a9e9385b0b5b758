"""Heartbeats: the latest status on the terminal row, the history, and online/offline derived from time.

A terminal is online while its last heartbeat is younger than 1.5 × the interval it was told. Outages
are recorded when the next heartbeat arrives late, so no background job is needed, whichever server
process takes the call.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

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
    status = {
        "last_seen_at": now, "heartbeat_seconds": interval, "app_version": heartbeat.app_version,
        "last_sync_at": as_utc(heartbeat.last_sync_at), "outbox_depth": heartbeat.outbox_depth,
        "parked_count": heartbeat.parked_count, "free_disk_bytes": heartbeat.free_disk_bytes,
        "free_memory_bytes": heartbeat.free_memory_bytes, "peripherals": dict(heartbeat.peripherals),
        "current_screen": heartbeat.current_screen, "config_version_applied": heartbeat.config_version,
        "config_error": heartbeat.config_error, "in_service": heartbeat.in_service,
    }
    # Two Core statements rather than the ORM's unit of work, which spent a quarter of a heartbeat's CPU working
    # out what changed; the loaded row is brought up to date without being marked changed.
    db.execute(_UPDATE_STATUS, {"terminal_key": terminal.id, **status})
    for key, value in status.items():
        set_committed_value(terminal, key, value)
    db.execute(_INSERT_LOG, {"terminal_id": terminal.id, "received_at": now,
                             "heartbeat": heartbeat.model_dump(mode="json")})


_TERMINALS = cast(Table, Terminal.__table__)
# The columns set are the parameters' keys.
_UPDATE_STATUS = update(_TERMINALS).where(_TERMINALS.c.id == bindparam("terminal_key"))
_INSERT_LOG = insert(cast(Table, HeartbeatLog.__table__))


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
