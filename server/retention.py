"""Retention: heartbeat history, outages, the audit log, check-in scans, finished feedback and screenshots are
deleted once older than their period (server settings, RETENTION_*_DAYS; 0 keeps them for ever), a bounded batch
per transaction, by the periodic job any server process runs (server/core/periodic.py). Two processes at once
take different batches (PostgreSQL: SKIP LOCKED; SQLite: one writer at a time), and each deleted row is counted
once, by the day of its time, in ``pruned_counts``, so totals outlive the rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from server.core.config import ServerSettings
from server.core.db import dialect_insert, make_engine, make_session_factory
from server.core.models import PrunedCount
from server.fleet.models import AuditEntry, Checkin, FeedbackItem, HeartbeatLog, Outage, Screenshot

# Feedback still being worked on is never deleted, however old.
FINISHED_FEEDBACK = ("resolved", "closed", "rejected")


@dataclass(frozen=True)
class Kept:
    """One kind of row: its key, the time that ages it, the setting with its period, and which rows may go."""

    kind: str
    key: InstrumentedAttribute
    at: InstrumentedAttribute
    days_setting: str
    only: Any = None


KINDS = (
    Kept("heartbeats", HeartbeatLog.id, HeartbeatLog.received_at, "retention_heartbeat_days"),
    Kept("outages", Outage.id, Outage.came_back_at, "retention_outage_days"),
    Kept("audit", AuditEntry.id, AuditEntry.at, "retention_audit_days"),
    Kept("checkins", Checkin.id, Checkin.scanned_at, "retention_checkin_days"),
    Kept("feedback", FeedbackItem.id, FeedbackItem.received_at, "retention_feedback_days",
         FeedbackItem.status.in_(FINISHED_FEEDBACK)),
    Kept("screenshots", Screenshot.command_id, Screenshot.received_at, "retention_screenshot_days"),
)


def prune_batch(db: Session, kept: Kept, older_than: datetime, batch: int) -> int:
    """Delete up to ``batch`` rows of ``kept`` older than ``older_than`` and count them; the caller commits."""
    query = select(kept.key, kept.at).where(kept.at < older_than).order_by(kept.key).limit(batch)
    if kept.only is not None:
        query = query.where(kept.only)
    rows = db.execute(query.with_for_update(skip_locked=True)).all()
    if not rows:
        return 0
    db.execute(delete(kept.key.class_).where(kept.key.in_([row[0] for row in rows])))
    for day, count in Counter(row[1].date() for row in rows).items():
        insert = dialect_insert(db, PrunedCount).values(kind=kept.kind, day=day, count=count)
        db.execute(insert.on_conflict_do_update(index_elements=["kind", "day"],
                                                set_={"count": PrunedCount.count + insert.excluded.count}))
    return len(rows)


def prune(db: Session, settings: ServerSettings, now: datetime) -> dict[str, int]:
    """Every kind down to its period, a batch per transaction; how many rows of each went."""
    pruned: dict[str, int] = {}
    for kept in KINDS:
        days = getattr(settings, kept.days_setting)
        if days <= 0:
            continue
        total = 0
        while count := prune_batch(db, kept, now - timedelta(days=days), settings.retention_batch):
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
