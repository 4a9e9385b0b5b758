"""Bookings: made (the slot claims' unique index decides between terminals, phones and server processes),
cancelled by their pass, checked in by scanning it, and released when nobody checked in in time.

A booking takes one place in each of its consecutive slots: one ``SlotClaim`` row per slot, inserted in the
booking's own savepoint; a claim that meets the unique index (space, slot start, place) tries the space's next
place, and when no place is left the whole booking is rolled back and refused with the nearest free run.
Nothing is read first and written later, so two requests at the same moment can never both win.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, Update, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common import booking_pass
from common.feedback_rules import mask_phone
from common.wire import BookingPassInfo, BookingRefusal, BookingRequest, BookingSlot, PassVerdict
from server.booking import slots
from server.booking.models import Booking, SlotClaim, Space
from server.core.key_lock import lock_key
from server.events import tickets_issue
from server.events.attendees import mask_name


class Refused(Exception):
    def __init__(self, reason: BookingRefusal, nearest: BookingSlot | None = None):
        super().__init__(reason)
        self.reason = reason
        self.nearest = nearest


class _Taken(Exception):
    """A slot of the run has no place left: the booking's savepoint rolls back."""


def book(db: Session, request: BookingRequest, channel: str, terminal_id: int | None, now: datetime,
         zone: ZoneInfo) -> Booking:
    """The booking made for ``request`` (or the one an earlier identical request made); raises Refused."""
    earlier = db.scalar(select(Booking).where(Booking.request_id == request.id))
    if earlier is not None:
        return earlier
    space = db.get(Space, request.space_id)
    if space is None or not space.active:
        raise Refused("no_space")
    run = _run(db, space, request, now, zone)
    key_row, _ = tickets_issue.signing_key(db)
    starts_at = run[0].astimezone(UTC)
    booking = Booking(space_id=space.id, starts_at=starts_at, ends_at=starts_at + len(run) * slots.slot_length(space),
                      name=request.name.strip(), company=request.company.strip(), phone=request.phone,
                      status="booked", channel=channel, terminal_id=terminal_id, request_id=request.id,
                      key_id=key_row.id, page_token=secrets.token_urlsafe(32), created_at=now)
    try:
        with db.begin_nested():
            db.add(booking)
            db.flush()
            for start in run:
                _claim(db, space, booking, start)
    except _Taken:
        raise Refused("taken", slots.nearest_free(db, space, run[0], len(run), now, zone)) from None
    except IntegrityError:  # the same request id at the same moment (a client's retry racing its first try)
        earlier = db.scalar(select(Booking).where(Booking.request_id == request.id))
        if earlier is None:
            raise
        return earlier
    return booking


def _run(db: Session, space: Space, request: BookingRequest, now: datetime, zone: ZoneInfo) -> list[datetime]:
    """The slot starts the request asks for, once the space's rules allow them; raises Refused."""
    wanted = request.starts_at
    day = slots.local_day(wanted, zone)
    today = slots.local_day(now, zone)
    starts = slots.slot_starts(space, day, zone)
    step = timedelta(minutes=space.slot_minutes)
    run = [wanted + step * n for n in range(request.slots)]
    if not set(run) <= set(starts):
        raise Refused("not_a_slot", slots.nearest_free(db, space, wanted, 1, now, zone))
    if day < today or now >= slots.bookable_until(space, run[0]):
        raise Refused("past", slots.nearest_free(db, space, wanted, len(run), now, zone))
    if day > slots.last_day(space, today):
        raise Refused("too_far_ahead", slots.nearest_free(db, space, wanted, len(run), now, zone))
    if slots.closed_why(db, space, day) is not None:
        raise Refused("closed", slots.nearest_free(db, space, wanted, len(run), now, zone))
    # Two requests of one person for one day at the same moment: the second counts the first's minutes.
    lock_key(db, "booking-day", f"{space.id}:{request.phone}:{day.isoformat()}")
    if _minutes_booked(db, space, request.phone, day, zone) + len(run) * space.slot_minutes > space.max_minutes_per_day:
        raise Refused("daily_limit")
    return run


def _minutes_booked(db: Session, space: Space, phone: str, day, zone: ZoneInfo) -> int:
    first = datetime.combine(day, datetime.min.time(), zone)
    rows = db.execute(select(Booking.starts_at, Booking.ends_at).where(
        Booking.space_id == space.id, Booking.phone == phone, Booking.status == "booked",
        Booking.starts_at >= first, Booking.starts_at < first + timedelta(days=1)))
    return sum(int((ends - starts).total_seconds() // 60) for starts, ends in rows)


def _claim(db: Session, space: Space, booking: Booking, start: datetime) -> None:
    for place in range(1, space.places + 1):
        try:
            with db.begin_nested():
                db.add(SlotClaim(space_id=space.id, starts_at=start, place=place, booking_id=booking.id))
            return
        except IntegrityError:
            continue
    raise _Taken


def pass_text(db: Session, booking: Booking) -> str:
    key = tickets_issue.signing_key_of(db, booking.key_id)
    return booking_pass.issue(key, booking.space_id, booking.id)


def pass_info(db: Session, booking: Booking) -> BookingPassInfo:
    space = db.get_one(Space, booking.space_id)
    return BookingPassInfo(booking_id=booking.id, space_id=space.id, space=slots.space_name(space), place=space.place,
                           starts_at=booking.starts_at, ends_at=booking.ends_at, masked_name=mask_name(booking.name),
                           masked_phone=mask_phone(booking.phone), pass_text=pass_text(db, booking),
                           page_path=f"/b/p/{booking.page_token}")


def find_by_pass(db: Session, code: str) -> tuple[Booking | None, PassVerdict | None]:
    """The booking a scanned pass names, or the verdict that refuses the scan (not a pass, forged...)."""
    if booking_pass.looks_like_event_ticket(code):
        return None, PassVerdict(kind="not_a_pass")
    try:
        scanned = booking_pass.verify(code, tickets_issue.public_keys(db))
    except booking_pass.ForgedPass:
        return None, PassVerdict(kind="forged")
    except booking_pass.UnreadablePass:
        return None, PassVerdict(kind="unreadable")
    booking = db.get(Booking, scanned.booking_id)
    if booking is None or booking.space_id != scanned.space_id:
        return None, PassVerdict(kind="cancelled")  # signed by us, but the booking is gone
    return booking, None


def find_by_page_token(db: Session, token: str) -> Booking | None:
    return db.scalar(select(Booking).where(Booking.page_token == token))


def cancel(db: Session, booking: Booking, by: str, now: datetime) -> bool:
    """Cancelled now (its slots free again); False when it was no longer booked or already checked in."""
    return _end(db, booking, "cancelled", by, now, checked_in_ok=False)


def check_in(db: Session, code: str, space_ids: list[int], terminal_name: str, now: datetime) -> PassVerdict:
    booking, refused = find_by_pass(db, code)
    if booking is None:
        assert refused is not None
        return refused
    space = db.get_one(Space, booking.space_id)
    verdict = verdict_of(db, booking)
    opens_at = booking.starts_at - timedelta(minutes=space.early_minutes)
    if space_ids and booking.space_id not in space_ids:
        return verdict.model_copy(update={"kind": "wrong_space"})
    if verdict.kind != "welcome":  # cancelled, released, checked in already
        return verdict
    if now >= booking.ends_at:
        return verdict.model_copy(update={"kind": "expired"})
    if now < opens_at:
        return verdict.model_copy(update={"kind": "too_early", "opens_at": opens_at})
    if now >= slots.bookable_until(space, booking.starts_at):
        _end(db, booking, "released", "system", now, checked_in_ok=False)
        return verdict.model_copy(update={"kind": "released"})
    if not _changed_one(db, update(Booking).where(Booking.id == booking.id, Booking.status == "booked",
                                                  Booking.checked_in_at.is_(None))
                        .values(checked_in_at=now, checked_in_terminal=terminal_name[:60])):  # released or checked in by another process a moment ago
        db.refresh(booking)
        kind = "already" if booking.checked_in_at is not None else booking.status
        return verdict.model_copy(update={"kind": kind, "checked_in_at": booking.checked_in_at})
    db.refresh(booking)
    return verdict.model_copy(update={"checked_in_at": booking.checked_in_at})


def verdict_of(db: Session, booking: Booking) -> PassVerdict:
    """The booking as a verdict: its state as the kind (``welcome`` while it is booked and not checked in)."""
    kind = booking.status if booking.status != "booked" else "already" if booking.checked_in_at else "welcome"
    return PassVerdict(kind=kind, space=slots.space_name(db.get_one(Space, booking.space_id)),
                       starts_at=booking.starts_at, ends_at=booking.ends_at, masked_name=mask_name(booking.name),
                       checked_in_at=booking.checked_in_at)


def release_no_shows(db: Session, now: datetime) -> int:
    """Release every booking not checked in within its space's release minutes; how many. Safe when several
    processes run it at once: each booking changes state in one conditional UPDATE, which only one wins."""
    candidates = db.execute(select(Booking, Space.release_minutes).join(Space, Space.id == Booking.space_id).where(
        Booking.status == "booked", Booking.checked_in_at.is_(None), Booking.starts_at <= now))
    released = 0
    for booking, minutes in candidates.all():
        if now >= booking.starts_at + timedelta(minutes=minutes):
            released += _end(db, booking, "released", "system", now, checked_in_ok=False)
    return released


def _end(db: Session, booking: Booking, status: str, by: str, now: datetime, checked_in_ok: bool) -> bool:
    condition = [Booking.id == booking.id, Booking.status == "booked"]
    if not checked_in_ok:
        condition.append(Booking.checked_in_at.is_(None))
    if not _changed_one(db, update(Booking).where(*condition).values(status=status, ended_at=now, ended_by=by[:200])):
        return False
    db.execute(delete(SlotClaim).where(SlotClaim.booking_id == booking.id))
    db.refresh(booking)
    return True



def _changed_one(db: Session, statement: Update) -> bool:
    """Whether the conditional UPDATE changed its row: only one of several processes racing for it does."""
    return cast(CursorResult, db.execute(statement)).rowcount == 1
