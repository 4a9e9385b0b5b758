"""The queue's tables: each window's settings for the day, the numbers issued, the per-day counters that make
them unique, and every call (the lobby display and the kiosks read these)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.fleet.models import Base


class QueueWindow(Base):
    """A window of the catalogue (keyed by its Chinese name) and what the console set for it."""

    __tablename__ = "queue_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    # The letter of its numbers (A012): one per window, so a number names its queue.
    letter: Mapped[str] = mapped_column(String(1), unique=True)
    is_open: Mapped[bool]
    staff: Mapped[str] = mapped_column(String(80), default="")
    opens: Mapped[str] = mapped_column(String(5))  # HH:MM, local time
    closes: Mapped[str] = mapped_column(String(5))
    daily_limit: Mapped[int]
    updated_at: Mapped[datetime]


class QueueCounter(Base):
    """The last sequence number of a letter on a day: incremented under the row's write lock."""

    __tablename__ = "queue_counters"

    day: Mapped[date] = mapped_column(primary_key=True)
    letter: Mapped[str] = mapped_column(String(1), primary_key=True)
    last: Mapped[int]


class QueueTicket(Base):
    """One number: who took it where, which window has it now, and what became of it."""

    __tablename__ = "queue_tickets"
    __table_args__ = (
        Index("uq_queue_tickets_day_number", "day", "number", unique=True),
        Index("ix_queue_tickets_window_status", "window_id", "status", "id"),
        Index("ix_queue_tickets_taken_at", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    number: Mapped[str] = mapped_column(String(8))
    window_id: Mapped[int] = mapped_column(ForeignKey("queue_windows.id", ondelete="CASCADE"))
    # The window that issued it (a transfer changes window_id, never this).
    first_window_id: Mapped[int] = mapped_column(ForeignKey("queue_windows.id", ondelete="CASCADE"))
    service_code: Mapped[str] = mapped_column(String(32))
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(String(11))
    # The slip's secret (its QR is the follow page .../q/<token>).
    token: Mapped[str] = mapped_column(String(22), unique=True)
    status: Mapped[str] = mapped_column(String(12))  # waiting | called | served | no_show
    taken_at: Mapped[datetime]
    called_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    called_by: Mapped[str | None] = mapped_column(String(80))
    rating: Mapped[int | None]
    feedback_item_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_items.id", ondelete="SET NULL"))


class QueueCall(Base):
    """A call (or a recall) of a number to a window, in the order made: the display and the kiosks poll these."""

    __tablename__ = "queue_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("queue_tickets.id", ondelete="CASCADE"), index=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("queue_windows.id", ondelete="CASCADE"))
    recall: Mapped[bool]
    called_at: Mapped[datetime]
