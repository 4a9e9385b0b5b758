"""Reading feedback: the inbox and its filters, overdue items, statistics, unhappy-terminal alerts, CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from server import retention
from server.core.config import ServerSettings
from server.feedback.items import NEGATIVE_RATING_MAX, OPEN_STATUSES, is_negative
from server.fleet.models import FeedbackItem, Record, Terminal


@dataclass(frozen=True)
class InboxFilter:
    category: str | None = None
    rating: int | None = None
    negative: bool = False  # ratings of 2 or less
    terminal_id: int | None = None
    status: str | None = None
    newer_than_hours: int | None = None
    older_than_hours: int | None = None
    overdue: bool = False
    # False: the inbox; True: only what the terminals suppressed (repeats, identical, over the rate limit).
    suppressed: bool = False


def is_overdue(item: FeedbackItem, now: datetime) -> bool:
    return item.due_at is not None and item.due_at < now and item.status in OPEN_STATUSES


def _filtered(query: Select, wanted: InboxFilter, now: datetime) -> Select:
    conditions: list[ColumnElement[bool]] = [
        FeedbackItem.suppressed.is_not(None) if wanted.suppressed else FeedbackItem.suppressed.is_(None)]
    if wanted.category:
        conditions.append(FeedbackItem.category == wanted.category)
    if wanted.rating is not None:
        conditions.append(FeedbackItem.rating == wanted.rating)
    if wanted.negative:
        conditions.append(FeedbackItem.rating <= NEGATIVE_RATING_MAX)
    if wanted.terminal_id is not None:
        conditions.append(FeedbackItem.terminal_id == wanted.terminal_id)
    if wanted.status:
        conditions.append(FeedbackItem.status == wanted.status)
    if wanted.newer_than_hours is not None:
        conditions.append(FeedbackItem.received_at >= now - timedelta(hours=wanted.newer_than_hours))
    if wanted.older_than_hours is not None:
        conditions.append(FeedbackItem.received_at < now - timedelta(hours=wanted.older_than_hours))
    if wanted.overdue:
        conditions += [FeedbackItem.due_at < now, FeedbackItem.status.in_(OPEN_STATUSES)]
    return query.where(*conditions)


def list_items(db: Session, wanted: InboxFilter, now: datetime, limit: int = 500) -> list[FeedbackItem]:
    query = select(FeedbackItem).order_by(FeedbackItem.received_at.desc(), FeedbackItem.id.desc()).limit(limit)
    return list(db.scalars(_filtered(query, wanted, now)))


@dataclass(frozen=True)
class ApartCounts:
    """What is kept out of the inbox but never out of sight."""

    suppressed: dict[str, int]  # kind -> count
    unreadable: int  # feedback records that made no item (invalid payload, tracking number taken)


def apart_counts(db: Session) -> ApartCounts:
    suppressed = {kind: count for kind, count in db.execute(select(FeedbackItem.suppressed, func.count()).where(
        FeedbackItem.suppressed.is_not(None)).group_by(FeedbackItem.suppressed)) if kind is not None}
    projected = select(FeedbackItem.id).where(FeedbackItem.terminal_id == Record.terminal_id,
                                              FeedbackItem.record_id == Record.id)
    unreadable = db.scalar(select(func.count()).select_from(Record).where(
        Record.kind == "feedback", ~projected.exists()))
    return ApartCounts(suppressed, unreadable or 0)


# -- statistics ------------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts of one group: all items, and items per rating (1..5)."""

    key: str
    label: str
    total: int = 0
    ratings: Counter = field(default_factory=Counter)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def average(self) -> float | None:
        return sum(r * n for r, n in self.ratings.items()) / self.rated if self.rated else None

    def add(self, rating: int | None, count: int = 1) -> None:
        self.total += count
        if rating:
            self.ratings[rating] += count


@dataclass
class FeedbackStats:
    overall: Tally
    by_category: list[Tally]
    by_terminal: list[Tally]
    by_month: list[Tally]


def stats(db: Session, settings: ServerSettings, since: datetime | None = None,
          until: datetime | None = None) -> FeedbackStats:
    """Counts and rating distributions of the unsuppressed items submitted in [since, until), by category,
    terminal and month (months in the feedback time zone)."""
    query = (select(FeedbackItem.category, FeedbackItem.terminal_id, Terminal.name, FeedbackItem.submitted_at,
                    FeedbackItem.rating)
             .join(Terminal, Terminal.id == FeedbackItem.terminal_id).where(FeedbackItem.suppressed.is_(None)))
    if since is not None:
        query = query.where(FeedbackItem.submitted_at >= since)
    if until is not None:
        query = query.where(FeedbackItem.submitted_at < until)
    zone = ZoneInfo(settings.timezone)
    overall = Tally("all", "all")
    groups: dict[str, dict[str, Tally]] = defaultdict(dict)

    def count(category: str, terminal_id: int, terminal_name: str, month: str, rating: int | None, n: int) -> None:
        overall.add(rating, n)
        for grouping, key, label in (("category", category, category), ("terminal", str(terminal_id), terminal_name),
                                     ("month", month, month)):
            groups[grouping].setdefault(key, Tally(key, label)).add(rating, n)

    for category, terminal_id, terminal_name, submitted_at, rating in db.execute(query):
        count(category, terminal_id, terminal_name, submitted_at.astimezone(zone).strftime("%Y-%m"), rating, 1)
    _count_pruned(db, count, since.astimezone(zone).date() if since else None,
                  until.astimezone(zone).date() if until else None)
    return FeedbackStats(
        overall=overall,
        by_category=sorted(groups["category"].values(), key=lambda t: (-t.total, t.key)),
        by_terminal=sorted(groups["terminal"].values(), key=lambda t: (-t.total, t.label)),
        by_month=sorted(groups["month"].values(), key=lambda t: t.key),
    )


def _count_pruned(db: Session, count: Callable[..., None], since: date | None, until: date | None) -> None:
    """The items retention deleted, from its counts (server/retention.py): the figures outlive the rows. Their
    days are the centre's, so a range is counted to the day."""
    pruned = [(day, key.split("|"), n) for day, key, n in retention.tallies(db, "feedback", since, until)
              if key != retention.SUPPRESSED]
    ids = {int(parts[1]) for _, parts, _ in pruned}
    names = dict(db.execute(select(Terminal.id, Terminal.name).where(Terminal.id.in_(ids))).all()) if ids else {}
    for day, (category, terminal_id, rating), n in pruned:
        count(category, int(terminal_id), names.get(int(terminal_id), f"#{terminal_id}"), day.strftime("%Y-%m"),
              int(rating), n)


# -- alerts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnhappyAlert:
    terminal_id: int
    terminal_name: str
    unhappy: int
    rated: int

    @property
    def share(self) -> float:
        return self.unhappy / self.rated


def unhappy_alerts(db: Session, settings: ServerSettings, now: datetime) -> list[UnhappyAlert]:
    """Terminals where at least FEEDBACK_ALERT_SHARE of at least FEEDBACK_ALERT_MIN_RATINGS unsuppressed
    ratings submitted in the last FEEDBACK_ALERT_WINDOW_MINUTES are unhappy (2 or less)."""
    unhappy = func.sum(case((FeedbackItem.rating <= NEGATIVE_RATING_MAX, 1), else_=0))
    rows = db.execute(
        select(FeedbackItem.terminal_id, Terminal.name, unhappy, func.count())
        .join(Terminal, Terminal.id == FeedbackItem.terminal_id)
        .where(FeedbackItem.rating.is_not(None), FeedbackItem.suppressed.is_(None),
               FeedbackItem.submitted_at >= now - timedelta(minutes=settings.feedback_alert_window_minutes))
        .group_by(FeedbackItem.terminal_id, Terminal.name).order_by(FeedbackItem.terminal_id)
    ).all()
    alerts = [UnhappyAlert(terminal_id, name, int(bad or 0), rated) for terminal_id, name, bad, rated in rows]
    return [a for a in alerts
            if a.rated >= settings.feedback_alert_min_ratings and a.share >= settings.feedback_alert_share]


# -- CSV -------------------------------------------------------------------------------------------

CSV_COLUMNS = ("tracking_number", "terminal", "category", "rating", "negative", "status", "submitted_at",
               "received_at", "due_at", "overdue", "assignee", "text", "reason", "reject_reason", "public_reply",
               "suppressed")


def _cell(value: object) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    # A spreadsheet would run a cell starting like a formula: visitors' text is data, never a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def items_csv(items: list[FeedbackItem], now: datetime) -> str:
    """The items as CSV, one row each; no phone numbers (they stay in the console, for the follow-up)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow([_cell(v) for v in (
            item.tracking_number, item.terminal.name, item.category, item.rating, is_negative(item.rating),
            item.status, item.submitted_at, item.received_at, item.due_at, is_overdue(item, now),
            item.assignee.username if item.assignee else None, item.text, item.reason, item.reject_reason,
            item.public_reply, item.suppressed)])
    return out.getvalue()
