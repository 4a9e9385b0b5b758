"""Telling people: one message when an alert starts and one when it is resolved, to every channel, in its language.

Nothing goes out in quiet hours (held messages go when they end). An alert that starts again within the quiet
time of the last message about the same thing waits until that time has passed; if it is resolved before,
nobody is told about it at all (recorded as such). Several processes may run this at once: each message is
claimed (a conditional UPDATE) and committed before it is sent, so exactly one process sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from server.alerts import channels, messages
from server.alerts.channels import DeliveryError
from server.alerts.schemas import AlertSettings, Channel, QuietHours
from server.core.config import ServerSettings
from server.fleet.models import Alert, AlertDelivery

NOBODY = "—"
SILENT_NOTE = "resolved before anyone was told (quiet hours or quiet time)"

Sender = Callable[[ServerSettings, Channel, str, str], None]


def in_quiet_hours(quiet: QuietHours, local: datetime) -> bool:
    if not quiet.enabled:
        return False
    start, end, now = time.fromisoformat(quiet.start), time.fromisoformat(quiet.end), local.time()
    return start <= now < end if start < end else (now >= start or now < end)


def _told_recently(db: Session, alert: Alert, since: datetime) -> bool:
    """Was anyone told about this rule and subject (another alert of it) since ``since``?"""
    return db.scalar(select(AlertDelivery.id).join(Alert, Alert.id == AlertDelivery.alert_id).where(
        Alert.rule == alert.rule, Alert.subject == alert.subject, Alert.id != alert.id, AlertDelivery.ok.is_(True),
        AlertDelivery.sent_at >= since).limit(1)) is not None


def _claim(db: Session, alert_id: int, column, now: datetime, **also) -> bool:
    result: Any = db.execute(update(Alert).where(Alert.id == alert_id, column.is_(None))
                             .values({column.key: now, **also}))
    claimed = result.rowcount == 1
    db.commit()
    return claimed


def _was_told(db: Session, alert_id: int) -> bool:
    return db.scalar(select(AlertDelivery.id).where(AlertDelivery.alert_id == alert_id,
                                                    AlertDelivery.phase == "started", AlertDelivery.ok.is_(True))
                     .limit(1)) is not None


def notify(sessions: sessionmaker[Session], settings: ServerSettings, alert_settings: AlertSettings, now: datetime,
           sender: Sender = channels.send) -> int:
    """Send what is due; how many messages went out."""
    zone = ZoneInfo(settings.timezone)
    if in_quiet_hours(alert_settings.quiet_hours, now.astimezone(zone)):
        return 0
    quiet_since = now - timedelta(minutes=alert_settings.quiet_minutes)
    sent = 0
    with sessions() as db:
        waiting = db.scalars(select(Alert).where(Alert.start_notified_at.is_(None)).order_by(Alert.id)).all()
        for alert in waiting:
            if alert.resolved_at is not None:  # over before anyone was told: nobody will be
                if _claim(db, alert.id, Alert.start_notified_at, now, resolve_notified_at=now):
                    db.add(AlertDelivery(alert_id=alert.id, phase="resolved", channel=NOBODY, sent_at=now, ok=False,
                                         error=SILENT_NOTE))
                    db.commit()
                continue
            if _told_recently(db, alert, quiet_since):
                continue  # within the quiet time: wait
            if _claim(db, alert.id, Alert.start_notified_at, now):
                sent += _deliver(db, settings, alert_settings, alert, "started", now, zone, sender)
        finished = db.scalars(select(Alert).where(Alert.resolved_at.is_not(None), Alert.start_notified_at.is_not(None),
                                                  Alert.resolve_notified_at.is_(None)).order_by(Alert.id)).all()
        for alert in finished:
            if _claim(db, alert.id, Alert.resolve_notified_at, now) and _was_told(db, alert.id):
                sent += _deliver(db, settings, alert_settings, alert, "resolved", now, zone, sender)
    return sent


def _deliver(db: Session, settings: ServerSettings, alert_settings: AlertSettings, alert: Alert, phase: str,
             now: datetime, zone: ZoneInfo, sender: Sender) -> int:
    sent = 0
    for channel in alert_settings.channels:
        subject, body = messages.render(alert, phase, channel.language, zone)
        try:
            sender(settings, channel, subject, body)
        except DeliveryError as exc:
            db.add(AlertDelivery(alert_id=alert.id, phase=phase, channel=channel.label()[:200], sent_at=now, ok=False,
                                 error=str(exc)[:2000]))
        else:
            db.add(AlertDelivery(alert_id=alert.id, phase=phase, channel=channel.label()[:200], sent_at=now, ok=True))
            sent += 1
    if not alert_settings.channels:
        db.add(AlertDelivery(alert_id=alert.id, phase=phase, channel=NOBODY, sent_at=now, ok=False,
                             error="no channel configured"))
    db.commit()
    return sent
