"""What needs someone now, read from the fleet's state: one ``Condition`` per rule and subject (a terminal, a
feedback item, the centre). The alert lifecycle (server/alerts/lifecycle.py) turns them into alerts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.settings import OpeningHours
from server.alerts.schemas import AlertSettings
from server.backups.copies import latest_finished
from server.core.clock import as_utc
from server.core.config import ServerSettings
from server.feedback.items import OPEN_STATUSES, REPAIR_CATEGORY
from server.feedback.queries import unhappy_alerts
from server.fleet import heartbeats, layers
from server.fleet.models import FeedbackItem, Terminal

BAD_PERIPHERAL_STATES = ("absent", "error")
CENTRE = "centre"
MB = 1 << 20


@dataclass(frozen=True)
class Condition:
    rule: str
    subject: str  # "terminal:3", "feedback:12", "centre"
    title: str  # the subject's name, as people know it
    # What was seen, for the messages (server/alerts/messages.py renders them per rule, in each language).
    detail: dict = field(default_factory=dict)


def current_conditions(db: Session, settings: ServerSettings, alert_settings: AlertSettings, builtin: dict,
                       now: datetime) -> list[Condition]:
    rules = alert_settings.rules
    fleet = list(db.scalars(select(Terminal).where(Terminal.enrolled_at.is_not(None), Terminal.revoked_at.is_(None))
                            .order_by(Terminal.id)))
    found: list[Condition] = []
    if rules.terminal_offline.enabled:
        found += _offline(db, settings, alert_settings, builtin, fleet, now)
    online = [terminal for terminal in fleet if heartbeats.is_online(terminal, now)]
    if rules.peripheral_gone.enabled:
        found += [Condition("peripheral_gone", f"terminal:{t.id}:{device}", t.name, {"device": device, "state": state})
                  for t in online for device, state in sorted((t.peripherals or {}).items())
                  if device in rules.peripheral_gone.devices and state in BAD_PERIPHERAL_STATES]
    if rules.disk_low.enabled:
        found += [Condition("disk_low", f"terminal:{t.id}", t.name, {"free_mb": t.free_disk_bytes // MB,
                                                                      "min_mb": rules.disk_low.min_free_mb})
                  for t in online if t.free_disk_bytes is not None and t.free_disk_bytes < rules.disk_low.min_free_mb * MB]
    if rules.memory_low.enabled:
        found += [Condition("memory_low", f"terminal:{t.id}", t.name, {"free_mb": t.free_memory_bytes // MB,
                                                                        "min_mb": rules.memory_low.min_free_mb})
                  for t in online
                  if t.free_memory_bytes is not None and t.free_memory_bytes < rules.memory_low.min_free_mb * MB]
    if rules.unhappy_surge.enabled:
        found += [Condition("unhappy_surge", f"terminal:{alert.terminal_id}", alert.terminal_name,
                            {"unhappy": alert.unhappy, "rated": alert.rated})
                  for alert in unhappy_alerts(db, settings, now)]
    if rules.repair_overdue.enabled:
        found += list(_repairs_overdue(db, now))
    if rules.backup_stale.enabled:
        found += list(_backup_stale(db, alert_settings, now))
    return found


def _offline(db: Session, settings: ServerSettings, alert_settings: AlertSettings, builtin: dict,
             fleet: list[Terminal], now: datetime) -> Iterator[Condition]:
    rule = alert_settings.rules.terminal_offline
    current = layers.current_layers(db)
    local = now.astimezone(ZoneInfo(settings.timezone))
    for terminal in fleet:
        down = heartbeats.offline_at(terminal)
        if down is None or (now - down).total_seconds() < rule.minutes * 60:
            continue
        if rule.opening_hours_only and not _open(builtin, current, terminal, local):
            continue
        yield Condition("terminal_offline", f"terminal:{terminal.id}", terminal.name,
                        {"since": as_utc(down).isoformat(), "minutes": rule.minutes})


def _open(builtin: dict, current: layers.Layers, terminal: Terminal, local: datetime) -> bool:
    settings = layers.effective_config(builtin, current, terminal).settings
    try:
        hours = OpeningHours.model_validate(settings.get("hours") or {})
    except ValidationError:
        return True  # unreadable hours: better one alert too many than a terminal dark unnoticed
    return hours.is_open(local.replace(tzinfo=None))


def _repairs_overdue(db: Session, now: datetime) -> Iterator[Condition]:
    items = db.scalars(select(FeedbackItem).where(FeedbackItem.category == REPAIR_CATEGORY,
                                                  FeedbackItem.status.in_(OPEN_STATUSES), FeedbackItem.due_at < now)
                       .order_by(FeedbackItem.due_at).limit(200))
    for item in items:
        yield Condition("repair_overdue", f"feedback:{item.id}", item.tracking_number,
                        {"due_at": item.due_at.isoformat() if item.due_at else None, "text": item.text[:120]})


def _backup_stale(db: Session, alert_settings: AlertSettings, now: datetime) -> Iterator[Condition]:
    latest = latest_finished(db)
    limit = alert_settings.rules.backup_stale.max_age_hours
    if latest is None:
        yield Condition("backup_stale", CENTRE, CENTRE, {"last": None, "hours": limit})
    elif (now - as_utc(latest.taken_at)).total_seconds() > limit * 3600:
        yield Condition("backup_stale", CENTRE, CENTRE, {"last": as_utc(latest.taken_at).isoformat(), "hours": limit})
