"""The usage domain's tables: raw visits and their searches (kept ``usage_raw_days``, 90 by default), aggregates
per day, terminal and hour (kept for good), what operators did about searches that found nothing, and the
popularity an administrator pinned."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.fleet.models import Base

# The aggregates' "terminal" for the whole fleet: every visit is counted under its terminal, under its terminal's
# group (as ``group_key``) and under this one, so a fleet or group page reads a few thousand rows, not one set per
# terminal.
FLEET = 0


def group_key(group_id: int) -> int:
    """A group's rollup rows in the aggregates: its id negated (terminal ids are positive)."""
    return -group_id


class UsageVisit(Base):
    """One visit as a terminal reported it, in the fleet's local day and hour."""

    __tablename__ = "usage_visits"
    __table_args__ = (Index("ix_usage_visits_day_terminal", "day", "terminal_id"),)

    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[datetime]
    day: Mapped[date] = mapped_column(Date)
    hour: Mapped[int] = mapped_column(SmallInteger)
    seconds: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(16))
    large_text: Mapped[bool]
    ended: Mapped[str] = mapped_column(String(10))


class UsageSearch(Base):
    """The final query of one search in a visit, normalised (common.usage_privacy), and what came of it."""

    __tablename__ = "usage_searches"
    __table_args__ = (Index("ix_usage_searches_query_day", "query", "day"), Index("ix_usage_searches_day", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(String(36))
    started_at: Mapped[datetime]
    day: Mapped[date] = mapped_column(Date)
    query: Mapped[str] = mapped_column(String(100))
    results: Mapped[int] = mapped_column(Integer)
    top: Mapped[str] = mapped_column(String(70))  # the first result codes, comma-separated
    opened: Mapped[str | None] = mapped_column(String(20))


class UsageHourly(Base):
    """Visits and their seconds per terminal (``FLEET``: all of them; ``group_key``: a group's), local day and
    hour. A group's rows count the visits made while the terminal was in it."""

    __tablename__ = "usage_hourly"
    # SQLite: the rows in primary-key order (no rowid), so a terminal's range of days is one contiguous read.
    __table_args__ = {"sqlite_with_rowid": False}

    terminal_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    hour: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    visits: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(Integer)


class UsageDaily(Base):
    """Visits per terminal (``FLEET``: all of them; ``group_key``: a group's) and local day: what the page's
    visits per terminal read, one row per terminal and day (not the 24 hours, not the ~150 counts of a day)."""

    __tablename__ = "usage_daily"
    # SQLite: rows in primary-key order (no rowid), so a terminal's range of days is one contiguous read.
    __table_args__ = {"sqlite_with_rowid": False}

    terminal_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    visits: Mapped[int] = mapped_column(Integer)


class UsageCount(Base):
    """How often something happened per terminal (``FLEET``: all; ``group_key``: a group's) and local day: ``metric`` names what (module,
    view, via, takeaway, language, large_text, ended, length, search, checkins, feedback), ``key`` which one (a
    module, a service code, a length bucket, a query...)."""

    __tablename__ = "usage_counts"
    # SQLite: rows in primary-key order (no rowid), so a terminal's days are one contiguous read (the fleet's
    # views of the last 30 days for the popularity too: FLEET, day range).
    __table_args__ = {"sqlite_with_rowid": False}

    terminal_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class UsageQueryGap(Base):
    """Searches that found nothing or whose results nobody opened, per terminal (``FLEET``: all; ``group_key``: a
    group's), local day and normalised query: the visits that typed it so (each visit once: a visit has one
    terminal and one day, so these add up over days and terminals), the searches without results, and those with
    results none of which was opened. The searches page reads these, not the raw searches."""

    __tablename__ = "usage_query_gaps"
    # SQLite: rows in primary-key order (no rowid), so a terminal's range of days is one contiguous read; the index
    # answers "did this terminal type this query in this range of days" with one probe (the "terminals" column).
    __table_args__ = (Index("ix_usage_query_gaps_query_terminal", "query", "terminal_id", "day"),
                      {"sqlite_with_rowid": False})

    terminal_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    query: Mapped[str] = mapped_column(String(100), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer)
    no_results: Mapped[int] = mapped_column(Integer)
    unopened: Mapped[int] = mapped_column(Integer)


class UsageQueryAction(Base):
    """What an operator did about a search that found nothing: made it an alias of a service, or dismissed it."""

    __tablename__ = "usage_query_actions"

    query: Mapped[str] = mapped_column(String(100), primary_key=True)
    action: Mapped[str] = mapped_column(String(10))  # alias | dismissed
    service_code: Mapped[str | None] = mapped_column(String(20))
    acted_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))


class UsagePopularityPin(Base):
    """A service's popularity as an administrator fixed it, instead of the views of the last 30 days."""

    __tablename__ = "usage_popularity_pins"

    service_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    popularity: Mapped[int] = mapped_column(Integer)
    pinned_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
