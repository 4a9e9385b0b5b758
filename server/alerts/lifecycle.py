"""Alerts from conditions: a condition with no open alert starts one; an open alert whose condition is gone is
resolved. Several server processes may evaluate at once: on PostgreSQL an advisory lock, on SQLite the write lock
every transaction takes first, make them one after the other, so no alert starts twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from server.alerts.conditions import Condition
from server.alerts.schemas import AlertSettings
from server.fleet.models import Alert, AlertConfig

_EVALUATION_LOCK_KEY = 0x6B696F3233


def load_settings(db: Session) -> AlertSettings:
    """The newest saved alert configuration, or the defaults before anyone saved one."""
    row = db.scalar(select(AlertConfig).order_by(AlertConfig.id.desc()).limit(1))
    return AlertSettings.model_validate(row.document) if row is not None else AlertSettings()


def save_settings(db: Session, settings: AlertSettings, actor: str) -> None:
    db.add(AlertConfig(document=settings.model_dump(mode="json"), updated_by=actor))


def lock_evaluation(db: Session) -> None:
    """Hold the evaluation lock until the transaction ends (PostgreSQL: server processes evaluate one at a time;
    SQLite has one server process, whose periodic jobs run one after the other)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _EVALUATION_LOCK_KEY})


def open_alerts(db: Session) -> list[Alert]:
    return list(db.scalars(select(Alert).where(Alert.resolved_at.is_(None)).order_by(Alert.id)))


def apply_conditions(db: Session, conditions: list[Condition], now: datetime) -> tuple[list[Alert], list[Alert]]:
    """Start and resolve alerts (the caller holds the evaluation lock and commits); the started and the resolved."""
    current = {(condition.rule, condition.subject): condition for condition in conditions}
    open_now = {(alert.rule, alert.subject): alert for alert in open_alerts(db)}
    resolved = []
    for key, alert in open_now.items():
        if key not in current:
            alert.resolved_at = now
            resolved.append(alert)
    started = []
    for key, condition in current.items():
        if key in open_now:
            open_now[key].detail = condition.detail  # the latest reading, for the history
            continue
        alert = Alert(rule=condition.rule, subject=condition.subject, title=condition.title[:200],
                      detail=condition.detail, started_at=now)
        db.add(alert)
        started.append(alert)
    db.flush()
    return started, resolved
