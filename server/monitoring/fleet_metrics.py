"""The metrics read from the database at each scrape: the same whichever server process answers, and right after a
restart (nothing to lose). Request metrics and pool use are counted in each process (server/monitoring/metrics.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.backups.copies import latest_finished
from server.backups.resend import pending_terminals
from server.core.clock import as_utc, utcnow
from server.feedback.items import OPEN_STATUSES
from server.fleet import heartbeats
from server.fleet.models import Command, FeedbackItem, Record, Terminal


class FleetCollector(Collector):
    """Collects in the request's own session (on SQLite a second one would wait for the first one's lock)."""

    def __init__(self, db: Session) -> None:
        self._db = db

    def collect(self) -> Iterator[Metric]:
        now = utcnow()
        yield from _terminals(self._db, now)
        yield from _records(self._db)
        yield from _commands(self._db, now)
        yield from _feedback(self._db, now)
        yield from _backups(self._db, now)


def _terminals(db: Session, now: datetime) -> Iterator[Metric]:
    fleet = db.scalars(select(Terminal).where(Terminal.enrolled_at.is_not(None), Terminal.revoked_at.is_(None))).all()
    online = sum(1 for terminal in fleet if heartbeats.is_online(terminal, now))
    states = GaugeMetricFamily("kiosk_terminals", "Enrolled terminals by state (from heartbeat age)", labels=["state"])
    states.add_metric(["online"], online)
    states.add_metric(["offline"], len(fleet) - online)
    yield states
    depths = [terminal.outbox_depth or 0 for terminal in fleet]
    yield GaugeMetricFamily("kiosk_outbox_depth_sum", "Records waiting in the terminals' outboxes, summed, as "
                            "their last heartbeats said", value=sum(depths))
    yield GaugeMetricFamily("kiosk_outbox_depth_max", "The fullest terminal outbox, as its last heartbeat said",
                            value=max(depths, default=0))
    yield GaugeMetricFamily("kiosk_terminals_awaiting_resend", "Terminals not yet re-sent their kept records "
                            "since the latest restore", value=pending_terminals(db))


def _records(db: Session) -> Iterator[Metric]:
    ingested = CounterMetricFamily("kiosk_records_ingested", "Records stored from terminals, by kind", labels=["kind"])
    for kind, count in db.execute(select(Record.kind, func.count()).group_by(Record.kind)):
        ingested.add_metric([kind], count)
    yield ingested


def _commands(db: Session, now: datetime) -> Iterator[Metric]:
    waiting = select(func.count(), func.min(Command.created_at)).where(Command.status == "pending",
                                                                       Command.expires_at > now)
    count, oldest = db.execute(waiting).one()
    yield GaugeMetricFamily("kiosk_commands_waiting", "Remote commands no terminal has collected yet", value=count)
    age = (now - as_utc(oldest)).total_seconds() if oldest is not None else 0
    yield GaugeMetricFamily("kiosk_commands_oldest_waiting_seconds", "Age of the oldest command waiting", value=age)


def _feedback(db: Session, now: datetime) -> Iterator[Metric]:
    overdue = db.scalar(select(func.count()).select_from(FeedbackItem).where(
        FeedbackItem.status.in_(OPEN_STATUSES), FeedbackItem.due_at < now))
    yield GaugeMetricFamily("kiosk_feedback_overdue", "Open feedback items past their deadline", value=overdue)


def _backups(db: Session, now: datetime) -> Iterator[Metric]:
    latest = latest_finished(db)
    if latest is not None:
        yield GaugeMetricFamily("kiosk_backup_age_seconds", "Time since the newest finished backup began",
                                value=(now - as_utc(latest.taken_at)).total_seconds())
        yield GaugeMetricFamily("kiosk_backup_last_timestamp_seconds", "When the newest finished backup began",
                                value=as_utc(latest.taken_at).timestamp())
