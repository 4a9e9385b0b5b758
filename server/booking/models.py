"""The booking domain's tables: spaces with their rules, closures, bookings, and the slot claims that make a
double booking impossible (one row per space, slot start and place, unique: the database decides who wins)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.fleet.models import Base


class Space(Base):
    __tablename__ = "booking_spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    place: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int]  # people it holds, shown to visitors
    # Bookings one slot takes at once: 1 for a room taken whole, the number of seats where each is booked alone.
    places: Mapped[int]
    opens: Mapped[str] = mapped_column(String(5))  # "08:30", local time
    closes: Mapped[str] = mapped_column(String(5))
    weekdays: Mapped[str] = mapped_column(String(7))  # the open days as digits, Monday 0: "01234"
    slot_minutes: Mapped[int]
    max_minutes_per_day: Mapped[int]  # per person (mobile number) and day
    days_ahead: Mapped[int]  # 0: today only
    release_minutes: Mapped[int]  # a booking not checked in this long after its start is released
    early_minutes: Mapped[int]  # check-in opens this long before the start
    active: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Closure(Base):
    __tablename__ = "booking_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("booking_spaces.id", ondelete="CASCADE"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(120))


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_space_starts", "space_id", "starts_at"),
        Index("ix_bookings_status_starts", "status", "starts_at"),
        Index("uq_bookings_request_id", "request_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("booking_spaces.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    name: Mapped[str] = mapped_column(String(40))
    company: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(11), index=True)
    status: Mapped[str] = mapped_column(String(12))  # booked | cancelled | released
    channel: Mapped[str] = mapped_column(String(8))  # kiosk | phone
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id", ondelete="SET NULL"))
    # The client's id for this request: asked again (a retry after a timeout), it gets the same booking.
    request_id: Mapped[str] = mapped_column(String(36))
    key_id: Mapped[int] = mapped_column(ForeignKey("ticket_keys.id"))
    # The unguessable address of the pass's phone page, /b/p/<page_token>.
    page_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_at: Mapped[datetime | None]
    checked_in_terminal: Mapped[str | None] = mapped_column(String(60))
    ended_at: Mapped[datetime | None]  # cancelled or released
    ended_by: Mapped[str | None] = mapped_column(Text)


class SlotClaim(Base):
    """A slot taken by a booking. Deleted when the booking is cancelled or released, so the slot is free again."""

    __tablename__ = "booking_slot_claims"
    __table_args__ = (Index("uq_booking_slot_claims_slot", "space_id", "starts_at", "place", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("booking_spaces.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    place: Mapped[int]
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
