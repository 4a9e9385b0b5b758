"""Retention: heartbeat history, outages, the audit log, check-in scans, finished feedback and screenshots are
deleted once older than their period (server settings, RETENTION_*_DAYS; 0 keeps them for ever), a bounded batch
per transaction, by the periodic job any server process runs (server/core/periodic.py). Two processes at once
take different batches (PostgreSQL: SKIP LOCKED; SQLite: one writer at a time), and each deleted row is counted
once in ``pruned_counts``, by the day of its time, or for the kinds the console's statistics count (feedback,
check-ins) by the day and the key those statistics group them by (``tally_key``): the figures outlive the rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from server.core.config import ServerSettings
from server.core.db import adding_upsert, make_engine, make_session_factory
from server.core.models import PrunedCount
from server.fleet.models import AuditEntry, Checkin, FeedbackItem, HeartbeatLog, Outage, Screenshot

# Feedback still being worked on is never deleted, however old.
FINISHED_FEEDBACK = ("resolved", "closed", "rejected")
# The key of a pruned feedback item that the statistics leave out (as they leave out the rows).
SUPPRESSED = "suppressed"


def feedback_key(category: str, terminal_id: int, rating: int | None) -> str:
    """A pruned feedback item's key: what the feedback statistics group by (server/feedback/queries.py)."""
    return f"{category}|{terminal_id}|{rating or 0}"


def checkin_key(event_id: int | None, verdict: str, flag: str | None) -> str:
    """A pruned check-in's key: what an event's attendance counts (server/events/events.py)."""
    return f"{event_id or 0}|{verdict}|{flag or ''}"


def _feedback_tally(row: Any, zone: tzinfo) -> tuple[date, str]:
    _key, _at, category, terminal_id, rating, submitted_at, suppressed = row
    key = SUPPRESSED if suppressed is not None else feedback_key(category, terminal_id, rating)
    return submitted_at.astimezone(zone).date(), key  # the statistics' months are in the centre's time zone


def _checkin_tally(row: Any, zone: tzinfo) -> tuple[date, str]:
    _key, scanned_at, event_id, verdict, flag = row
    return scanned_at.date(), checkin_key(event_id, verdict, flag)


@dataclass(frozen=True)
class Kept:
    """One kind of row: its key, the time that ages it, the setting with its period, and which rows may go."""

    kind: str
    key: InstrumentedAttribute
    at: InstrumentedAttribute
    days_setting: str
    only: Any = None
    # For the kinds the statistics count: the columns read before the delete, and each row's (day, key).
    tally_columns: tuple[InstrumentedAttribute, ...] = ()
    tally: Callable[[Any, tzinfo], tuple[date, str]] | None = None


KINDS = (
    Kept("heartbeats", HeartbeatLog.id, HeartbeatLog.received_at, "retention_heartbeat_days"),
    Kept("outages", Outage.id, Outage.came_back_at, "retention_outage_days"),
    Kept("audit", AuditEntry.id, AuditEntry.at, "retention_audit_days"),
    Kept("checkins", Checkin.id, Checkin.scanned_at, "retention_checkin_days",
         tally_columns=(Checkin.event_id, Checkin.server_verdict, Checkin.flag), tally=_checkin_tally),
    Kept("feedback", FeedbackItem.id, FeedbackItem.received_at, "retention_feedback_days",
         FeedbackItem.status.in_(FINISHED_FEEDBACK),
         tally_columns=(FeedbackItem.category, FeedbackItem.terminal_id, FeedbackItem.rating, FeedbackItem.submitted_at,
                        FeedbackItem.suppressed),
         tally=_feedback_tally),
    Kept("screenshots", Screenshot.command_id, Screenshot.received_at, "retention_screenshot_days"),
)


def prune_batch(db: Session, kept: Kept, older_than: datetime, batch: int, zone: tzinfo | None = None) -> int:
    """Delete up to ``batch`` rows of ``kept`` older than ``older_than`` and count them (``zone``: the centre's
    time zone, for the days of the statistics' tallies); the caller commits."""
    query = (select(kept.key, kept.at, *kept.tally_columns).where(kept.at < older_than).order_by(kept.key)
             .limit(batch))
    if kept.only is not None:
        query = query.where(kept.only)
    rows = db.execute(query.with_for_update(skip_locked=True)).all()
    if not rows:
        return 0
    db.execute(delete(kept.key.class_).where(kept.key.in_([row[0] for row in rows])))
    tally = kept.tally
    keys = (tally(row, zone or ZoneInfo("UTC")) if tally else (row[1].date(), "") for row in rows)
    db.execute(adding_upsert(db, PrunedCount, ("kind", "day", "key"), ("count",)),
               [{"kind": kept.kind, "day": day, "key": key, "count": count}
                for (day, key), count in sorted(Counter(keys).items())])
    return len(rows)


def tallies(db: Session, kind: str, since: date | None = None, until: date | None = None) -> list[tuple[date, str, int]]:
    """The counts of ``kind``'s pruned rows by day and key (days in [since, until) when given), for its
    statistics."""
    query = select(PrunedCount).where(PrunedCount.kind == kind)
    if since is not None:
        query = query.where(PrunedCount.day >= since)
    if until is not None:
        query = query.where(PrunedCount.day < until)
    return [(row.day, row.key, row.count) for row in db.scalars(query)]


def prune(db: Session, settings: ServerSettings, now: datetime) -> dict[str, int]:
    """Every kind down to its period, a batch per transaction; how many rows of each went."""
    pruned: dict[str, int] = {}
    for kept in KINDS:
        days = getattr(settings, kept.days_setting)
        if days <= 0:
            continue
        total = 0
        zone = ZoneInfo(settings.timezone)
        while count := prune_batch(db, kept, now - timedelta(days=days), settings.retention_batch, zone):
            db.commit()
            total += count
        pruned[kept.kind] = total
    return pruned


def run_retention(settings: ServerSettings, now: datetime) -> dict[str, int]:
    """The periodic job."""
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            return prune(db, settings, now)
    finally:
        engine.dispose()
