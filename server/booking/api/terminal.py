"""A terminal's booking calls: the free slots, booking, check-in and cancellation by pass.

A refused booking is an answer, not an error: 200 with ``refused`` and the nearest free slot, so the kiosk can
offer it in the same screen.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter

from common import wire
from server.api.deps import CurrentTerminal, DbSession, Settings
from server.booking import bookings, slots, spaces
from server.core.clock import utcnow

router = APIRouter(prefix="/terminal/booking", tags=["terminal"])


@router.get("/slots")
def free_slots(_terminal: CurrentTerminal, db: DbSession, settings: Settings) -> wire.BookingGrid:
    return wire.BookingGrid(spaces=slots.grid(db, spaces.all_spaces(db, active_only=True), utcnow(),
                                              ZoneInfo(settings.timezone)))


@router.post("/bookings")
def book(body: wire.BookingRequest, terminal: CurrentTerminal, db: DbSession,
         settings: Settings) -> wire.BookingOutcome:
    try:
        booking = bookings.book(db, body, "kiosk", terminal.id, utcnow(), ZoneInfo(settings.timezone))
    except bookings.Refused as refused:
        db.rollback()
        return wire.BookingOutcome(refused=refused.reason, nearest=refused.nearest)
    db.commit()
    return wire.BookingOutcome(booking=bookings.pass_info(db, booking))


@router.post("/checkins")
def check_in(body: wire.PassScan, terminal: CurrentTerminal, db: DbSession) -> wire.PassVerdict:
    verdict = bookings.check_in(db, body.code, body.space_ids, terminal.name, utcnow())
    db.commit()
    return verdict


@router.post("/cancellations")
def cancel(body: wire.PassCancel, terminal: CurrentTerminal, db: DbSession) -> wire.PassVerdict:
    """``cancelled`` when the booking is cancelled (now or before); otherwise why it cannot be."""
    booking, refused = bookings.find_by_pass(db, body.code)
    if booking is None:
        assert refused is not None
        return refused
    bookings.cancel(db, booking, f"terminal:{terminal.name}", utcnow())
    db.commit()
    return bookings.verdict_of(db, booking)
