"""What the console shows of bookings: a space's week as a calendar, usage per space, and the CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.booking import slots
from server.booking.models import Booking, Space

CSV_COLUMNS = ("booking", "space", "starts_at", "ends_at", "name", "company", "phone", "status", "checked_in_at",
               "checked_in_terminal", "channel", "created_at", "ended_at", "ended_by")


@dataclass
class CalendarDay:
    day: date
    closed: str | None  # None: open; "" never open that weekday; else the closure's reason
    # (slot start, the bookings that hold it), in time order; cancelled ones too: staff see what happened
    cells: list[tuple[datetime, list[Booking]]] = field(default_factory=list)


@dataclass
class Usage:
    space: Space
    bookings: int = 0
    checked_in: int = 0
    no_shows: int = 0  # released: nobody checked in in time
    cancelled: int = 0
    minutes_used: int = 0  # by bookings checked in
    minutes_open: int = 0  # slots times places over the period, closures left out

    @property
    def occupancy(self) -> float | None:
        return self.minutes_used / self.minutes_open if self.minutes_open else None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def calendar(db: Session, space: Space, monday: date, zone: ZoneInfo) -> tuple[list[str], list[CalendarDay]]:
    """The week from ``monday``: the slot times (rows) and each day with its bookings per slot."""
    first = datetime.combine(monday, time.min, zone)
    rows = list(db.scalars(select(Booking).where(
        Booking.space_id == space.id, Booking.starts_at >= first, Booking.starts_at < first + timedelta(days=7),
    ).order_by(Booking.starts_at, Booking.id)))
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        entry = CalendarDay(day=day, closed=slots.closed_why(db, space, day))
        for start in slots.slot_starts(space, day, zone):
            entry.cells.append((start, [b for b in rows if b.starts_at <= start < b.ends_at]))
        days.append(entry)
    times = [start.strftime("%H:%M") for start in slots.slot_starts(space, monday, zone)]
    return times, days


def usage(db: Session, spaces: list[Space], first_day: date, last_day: date, zone: ZoneInfo) -> list[Usage]:
    """Per space over the days from ``first_day`` to ``last_day``: bookings by outcome, and occupancy."""
    first = datetime.combine(first_day, time.min, zone)
    last = datetime.combine(last_day + timedelta(days=1), time.min, zone)
    out = []
    for space in spaces:
        tally = Usage(space)
        for booking in db.scalars(select(Booking).where(Booking.space_id == space.id, Booking.starts_at >= first,
                                                        Booking.starts_at < last)):
            tally.bookings += 1
            minutes = int((booking.ends_at - booking.starts_at).total_seconds() // 60)
            if booking.checked_in_at is not None:
                tally.checked_in += 1
                tally.minutes_used += minutes
            elif booking.status == "released":
                tally.no_shows += 1
            elif booking.status == "cancelled":
                tally.cancelled += 1
        day = first_day
        while day <= last_day:
            if slots.closed_why(db, space, day) is None:
                tally.minutes_open += len(slots.slot_starts(space, day, zone)) * space.slot_minutes * space.places
            day += timedelta(days=1)
        out.append(tally)
    return out


def bookings_csv(db: Session, first_day: date, last_day: date, zone: ZoneInfo) -> str:
    """Every booking starting in the period, with full contact details: the export is for staff only."""
    first = datetime.combine(first_day, time.min, zone)
    last = datetime.combine(last_day + timedelta(days=1), time.min, zone)
    names = {space.id: space.name_zh for space in db.scalars(select(Space))}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for b in db.scalars(select(Booking).where(Booking.starts_at >= first, Booking.starts_at < last)
                        .order_by(Booking.starts_at, Booking.id)):
        writer.writerow([_cell(value) for value in (
            b.id, names.get(b.space_id, ""), _local(b.starts_at, zone), _local(b.ends_at, zone), b.name, b.company,
            b.phone, b.status, _local(b.checked_in_at, zone), b.checked_in_terminal, b.channel,
            _local(b.created_at, zone), _local(b.ended_at, zone), b.ended_by)])
    return out.getvalue()


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _cell(value: object) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet: names come from the public.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
