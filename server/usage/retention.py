"""Raw visits, their searches and the usage records themselves are deleted after ``usage_raw_days`` (90 by
default); the aggregates per day, terminal and hour stay for good. Run by the usage job (server/usage/job.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from server.fleet.models import Record
from server.usage.models import UsageSearch, UsageVisit


def prune_raw(db: Session, now: datetime, keep_days: int) -> int:
    """Delete what is older than ``keep_days``; how many visits went."""
    cutoff = now - timedelta(days=keep_days)
    db.execute(delete(UsageSearch).where(UsageSearch.started_at < cutoff))
    result: Any = db.execute(delete(UsageVisit).where(UsageVisit.started_at < cutoff))
    db.execute(delete(Record).where(Record.kind == "usage_visit", Record.created_at < cutoff))
    return result.rowcount
