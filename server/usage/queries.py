"""Reading usage: the figures of the console's Usage page and of the admin API, for a terminal, a group or the
whole fleet and a range of local days, from the aggregates (never the raw visits, which go after 90 days)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from server.fleet.models import Terminal
from server.usage.ingest import LENGTH_BUCKET_SECONDS
from server.usage.models import FLEET, UsageCount, UsageDaily, UsageHourly, group_key

DEFAULT_DAYS = 90
LONGEST_RANGE_DAYS = 366


class UsageFilterError(ValueError):
    """A filter that selects nothing sensible (a range backwards or too long)."""


@dataclass(frozen=True)
class UsageFilter:
    """Which terminals (one, a group's, or the fleet) and which local days, both ends included."""

    first_day: date
    last_day: date
    terminal_id: int | None = None
    group_id: int | None = None

    @classmethod
    def make(cls, today: date, first_day: date | None = None, last_day: date | None = None,
             terminal_id: int | None = None, group_id: int | None = None) -> UsageFilter:
        last = last_day or today
        try:
            first = first_day or last - timedelta(days=DEFAULT_DAYS - 1)
        except OverflowError:
            raise UsageFilterError("the range starts before the first day there is") from None
        if first > last:
            raise UsageFilterError("the range starts after it ends")
        if (last - first).days >= LONGEST_RANGE_DAYS:
            raise UsageFilterError(f"the range is longer than {LONGEST_RANGE_DAYS} days")
        return cls(first, last, terminal_id, group_id)

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]


def local_today(timezone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def aggregate_terminals(db: Session, wanted: UsageFilter) -> list[int]:
    """The aggregate rows to read: the fleet's own, one terminal's, or a group's."""
    if wanted.terminal_id is not None:
        return [wanted.terminal_id]
    if wanted.group_id is not None:
        return [group_key(wanted.group_id)]
    return [FLEET]


@dataclass
class UsageFigures:
    visits: int = 0
    seconds: int = 0
    per_day: dict[date, int] = field(default_factory=dict)
    # weekday (0 = Monday) -> hour -> visits
    heat: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    # metric -> key -> count
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def tally(self, metric: str) -> list[tuple[str, int]]:
        """The metric's keys, most first."""
        return sorted(self.counts[metric].items(), key=lambda item: (-item[1], item[0]))

    @property
    def median_seconds(self) -> int | None:
        """The median visit length, from the length buckets (each read as its middle); None without visits."""
        lengths = sorted((int(key), n) for key, n in self.counts["length"].items())
        total = sum(n for _, n in lengths)
        if not total:
            return None
        seen = 0
        for bucket, n in lengths:
            seen += n
            if seen * 2 >= total:
                return bucket + LENGTH_BUCKET_SECONDS // 2
        return None

    @property
    def views(self) -> int:
        return sum(self.counts["view"].values())

    @property
    def takeaway_rate(self) -> float | None:
        """Guides taken away (QR on screen long enough, or printed) per guide viewed."""
        views = self.views
        return self.counts["takeaway"]["any"] / views if views else None

    def share(self, metric: str, key: str) -> float | None:
        total = sum(self.counts[metric].values())
        return self.counts[metric][key] / total if total else None


def figures(db: Session, wanted: UsageFilter) -> UsageFigures:
    found = UsageFigures(per_day=dict.fromkeys(wanted.days, 0))
    terminals = aggregate_terminals(db, wanted)
    if not terminals:
        return found
    in_range = (UsageHourly.terminal_id.in_(terminals), UsageHourly.day.between(wanted.first_day, wanted.last_day))
    hourly = db.execute(select(UsageHourly.day, UsageHourly.hour, func.sum(UsageHourly.visits),
                               func.sum(UsageHourly.seconds))
                        .where(*in_range).group_by(UsageHourly.day, UsageHourly.hour))
    for day, hour, visits, seconds in hourly:
        found.visits += visits
        found.seconds += seconds
        found.per_day[day] = found.per_day.get(day, 0) + visits
        found.heat[day.weekday()][hour] += visits
    counts = db.execute(select(UsageCount.metric, UsageCount.key, func.sum(UsageCount.count))
                        .where(UsageCount.terminal_id.in_(terminals),
                               UsageCount.day.between(wanted.first_day, wanted.last_day))
                        .group_by(UsageCount.metric, UsageCount.key))
    for metric, key, count in counts:
        found.counts[metric][key] += count
    return found


def visits_by_terminal(db: Session, wanted: UsageFilter) -> list[tuple[int, str, int]]:
    """(terminal id, name, visits) of the selected terminals (every terminal for the fleet), most first: each
    selected terminal's rows of the days in range, looked up by its primary key (never every terminal's)."""
    in_range = and_(UsageDaily.terminal_id == Terminal.id, UsageDaily.day.between(wanted.first_day, wanted.last_day))
    query = (select(Terminal.id, Terminal.name, func.coalesce(func.sum(UsageDaily.visits), 0))
             .join(UsageDaily, in_range, isouter=True).group_by(Terminal.id, Terminal.name))
    if wanted.terminal_id is not None:
        query = query.where(Terminal.id == wanted.terminal_id)
    elif wanted.group_id is not None:
        query = query.where(Terminal.group_id == wanted.group_id)
    rows = [(terminal_id, name, int(visits)) for terminal_id, name, visits in db.execute(query)]
    return sorted(rows, key=lambda row: (-row[2], row[1]))
