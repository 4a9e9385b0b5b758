"""A space's slots: where they fall (opening hours, open days, closures, local time), which are free, and the
nearest free run of slots to one that was refused."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.catalogue import Text
from common.wire import BookingDay, BookingSlot, BookingSlotState, BookingSpace
from server.booking.models import Closure, SlotClaim, Space


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def slot_starts(space: Space, day: date, zone: ZoneInfo) -> list[datetime]:
    """Every slot start of ``day`` within the opening hours (whatever the closures say), as aware datetimes."""
    opens = datetime.combine(day, time.fromisoformat(space.opens), zone)
    closes = datetime.combine(day, time.fromisoformat(space.closes), zone)
    step = timedelta(minutes=space.slot_minutes)
    starts = []
    moment = opens
    while moment + step <= closes:
        starts.append(moment)
        moment += step
    return starts


def closed_why(db: Session, space: Space, day: date) -> str | None:
    """Why the space is closed on ``day`` ("" for a day it never opens), or None when it is open."""
    if str(day.weekday()) not in space.weekdays:
        return ""
    closure = db.scalar(select(Closure).where(Closure.space_id == space.id, Closure.first_day <= day,
                                              Closure.last_day >= day).limit(1))
    return None if closure is None else closure.reason


def bookable_until(space: Space, start: datetime) -> datetime:
    """A slot may still be booked until the moment it would be released for want of a check-in."""
    return start + timedelta(minutes=space.release_minutes)


def last_day(space: Space, today: date) -> date:
    return today + timedelta(days=space.days_ahead)


def taken(db: Session, space: Space, first: datetime, last: datetime) -> Counter[datetime]:
    """Slot start -> places taken, for slots starting from ``first`` to ``last``."""
    rows = db.execute(select(SlotClaim.starts_at, func.count()).where(
        SlotClaim.space_id == space.id, SlotClaim.starts_at >= first, SlotClaim.starts_at <= last,
    ).group_by(SlotClaim.starts_at))
    return Counter({starts_at: count for starts_at, count in rows})


def days(db: Session, space: Space, now: datetime, zone: ZoneInfo) -> list[BookingDay]:
    """The bookable days from today on, each slot with its state and free places."""
    today = local_day(now, zone)
    day_list = [today + timedelta(days=n) for n in range(space.days_ahead + 1)]
    claims = taken(db, space, datetime.combine(today, time.min, zone),
                   datetime.combine(day_list[-1], time.max, zone))
    out = []
    for day in day_list:
        why = closed_why(db, space, day)
        slots = [_slot(space, start, now, why is not None, claims) for start in slot_starts(space, day, zone)]
        out.append(BookingDay(day=day, slots=slots, closed_reason=why or ""))
    return out


def run_free(space: Space, starts: list[datetime], claims: Counter[datetime]) -> bool:
    return all(claims[start] < space.places for start in starts)


def nearest_free(db: Session, space: Space, wanted: datetime, count: int, now: datetime,
                 zone: ZoneInfo) -> BookingSlot | None:
    """The free run of ``count`` slots starting nearest to ``wanted`` (later on a tie), within the days
    bookable now; None when there is none. The slot offered is the run's first; its end is the run's end."""
    today = local_day(now, zone)
    claims = taken(db, space, datetime.combine(today, time.min, zone),
                   datetime.combine(last_day(space, today), time.max, zone))
    best: tuple[float, int, datetime] | None = None
    step = timedelta(minutes=space.slot_minutes)
    for offset in range(space.days_ahead + 1):
        day = today + timedelta(days=offset)
        if closed_why(db, space, day) is not None:
            continue
        starts = slot_starts(space, day, zone)
        for index in range(len(starts) - count + 1):
            run = starts[index:index + count]
            if now >= bookable_until(space, run[0]) or not run_free(space, run, claims):
                continue
            key = (abs((run[0] - wanted).total_seconds()), 0 if run[0] >= wanted else 1, run[0])
            if best is None or key < best:
                best = key
    if best is None:
        return None
    start = best[2]
    free = min(space.places - claims[start + step * n] for n in range(count))
    return BookingSlot(starts_at=start, ends_at=start + step * count, state="free", free=free)


def _slot(space: Space, start: datetime, now: datetime, closed: bool, claims: Counter[datetime]) -> BookingSlot:
    free = max(0, space.places - claims[start])
    state: BookingSlotState
    if closed:
        state = "closed"
    elif now >= bookable_until(space, start):
        state = "past"
    else:
        state = "free" if free else "full"
    return BookingSlot(starts_at=start, ends_at=start + timedelta(minutes=space.slot_minutes), state=state,
                       free=free)


def grid(db: Session, spaces: list[Space], now: datetime, zone: ZoneInfo) -> list[BookingSpace]:
    return [BookingSpace(id=space.id, name=space_name(space), place=space.place,
                         capacity=space.capacity, slot_minutes=space.slot_minutes,
                         max_minutes_per_day=space.max_minutes_per_day, days_ahead=space.days_ahead,
                         release_minutes=space.release_minutes,
                         days=days(db, space, now, zone)) for space in spaces]


def space_name(space: Space) -> Text:
    return Text(zh=space.name_zh, en=space.name_en)


def slot_length(space: Space) -> timedelta:
    return timedelta(minutes=space.slot_minutes)
