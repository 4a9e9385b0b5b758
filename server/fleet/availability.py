"""Time offline per day and per month for a terminal, from its outages (an outage still going on counts up to now),
cut at the fleet's local midnights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.core.clock import as_utc
from server.fleet import heartbeats
from server.fleet.models import Outage, Terminal


@dataclass(frozen=True)
class Period:
    label: str  # "2026-12-04" or "2026-12"
    offline_seconds: float
    span_seconds: float  # the part of the period already past (today: up to now)

    @property
    def offline_share(self) -> float:
        return self.offline_seconds / self.span_seconds if self.span_seconds else 0.0


@dataclass(frozen=True)
class Availability:
    days: list[Period]  # newest first
    months: list[Period]


def _intervals(db: Session, terminal: Terminal, since: datetime, now: datetime) -> list[tuple[datetime, datetime]]:
    rows = db.execute(select(Outage.went_down_at, Outage.came_back_at).where(
        Outage.terminal_id == terminal.id, Outage.came_back_at > since))
    found = [(as_utc(down), as_utc(back)) for down, back in rows]
    ongoing = heartbeats.offline_at(terminal)
    if ongoing is not None and ongoing < now:
        found.append((as_utc(ongoing), now))
    return found


def _overlap(intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> float:
    return sum(max(0.0, (min(end, back) - max(start, down)).total_seconds()) for down, back in intervals)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def report(db: Session, terminal: Terminal, now: datetime, zone: ZoneInfo, days: int = 31,
           months: int = 12) -> Availability:
    today = now.astimezone(zone).date()
    first_month = date(today.year, today.month, 1)
    for _ in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    since = min(_local_midnight(first_month, zone), _local_midnight(today - timedelta(days=days - 1), zone))
    intervals = _intervals(db, terminal, since, now)
    enrolled = as_utc(terminal.enrolled_at) if terminal.enrolled_at else now

    def period(label: str, start: datetime, end: datetime) -> Period:
        start, end = max(start, enrolled), min(end, now)
        span = max(0.0, (end - start).total_seconds())
        return Period(label, _overlap(intervals, start, end) if span else 0.0, span)

    day_rows = []
    for back in range(days):
        day = today - timedelta(days=back)
        day_rows.append(period(day.isoformat(), _local_midnight(day, zone),
                               _local_midnight(day + timedelta(days=1), zone)))
    month_rows = []
    month = date(today.year, today.month, 1)
    for _ in range(months):
        following = (month + timedelta(days=32)).replace(day=1)
        month_rows.append(period(f"{month:%Y-%m}", _local_midnight(month, zone), _local_midnight(following, zone)))
        month = (month - timedelta(days=1)).replace(day=1)
    return Availability(days=[row for row in day_rows if row.span_seconds],
                        months=[row for row in month_rows if row.span_seconds])
