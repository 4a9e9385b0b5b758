"""Taking a number: the server decides it (a per-day counter per letter, incremented under its row lock, with a
unique index on day and number behind it), and tells how many are ahead and roughly how long the wait is."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from common.queue_wire import QueueNumber, QueueRefused, QueueWindowState, Refusal, TakeNumber
from server.core.db import dialect_insert
from server.queueing.models import QueueCounter, QueueTicket
from server.queueing.windows import Window, is_open_at, window_of_service, windows

# Minutes one visitor takes at a window before any was served today.
DEFAULT_SERVICE_MINUTES = 5.0
# Today's latest services the estimate averages.
ESTIMATE_SAMPLE = 20


class NumberRefused(Exception):
    def __init__(self, reason: Refusal, window: Window | None = None):
        super().__init__(reason)
        self.answer = QueueRefused(reason=reason, window=window.name if window else None,
                                   window_phone=window.phone if window else None)


@dataclass(frozen=True)
class Position:
    people_ahead: int
    wait_minutes: int


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def _next_sequence(db: Session, day: date, letter: str) -> int:
    db.execute(dialect_insert(db, QueueCounter).values(day=day, letter=letter, last=0).on_conflict_do_nothing())
    # The UPDATE takes the counter row's write lock: on PostgreSQL a second taker waits here and reads the
    # committed value; on SQLite the transaction already holds the database's one write lock (BEGIN IMMEDIATE).
    sequence = db.scalar(update(QueueCounter).where(QueueCounter.day == day, QueueCounter.letter == letter)
                         .values(last=QueueCounter.last + 1).returning(QueueCounter.last))
    assert sequence is not None
    return sequence


def take(db: Session, terminal_id: int | None, body: TakeNumber, now: datetime, timezone: str,
         follow_base: str) -> QueueNumber:
    """Issue the next number for ``body.service_code``'s window. Raises NumberRefused (the caller rolls back)."""
    found = window_of_service(db, body.service_code)
    if found is None:
        raise NumberRefused("unknown_service")
    window, service = found
    if not is_open_at(window.row, now.astimezone(ZoneInfo(timezone))):
        raise NumberRefused("closed", window)
    day = local_day(now, timezone)
    sequence = _next_sequence(db, day, window.row.letter)
    if sequence > window.row.daily_limit:
        raise NumberRefused("limit_reached", window)
    ticket = QueueTicket(day=day, number=f"{window.row.letter}{sequence:03d}", window_id=window.row.id,
                         first_window_id=window.row.id, service_code=service.code, terminal_id=terminal_id,
                         phone=body.phone, token=secrets.token_urlsafe(16), status="waiting", taken_at=now)
    db.add(ticket)
    db.flush()
    position = position_of(db, ticket, now, timezone)
    return QueueNumber(number=ticket.number, service_code=service.code, service_name=service.name,
                       window=window.name, window_label=window.label, window_phone=window.phone,
                       people_ahead=position.people_ahead, wait_minutes=position.wait_minutes, taken_at=now,
                       follow_url=f"{follow_base.rstrip('/')}/q/{ticket.token}")


def service_minutes(db: Session, window_id: int, day: date) -> float:
    """The average minutes of today's latest services at the window (call to done), or the default."""
    rows = db.execute(select(QueueTicket.called_at, QueueTicket.finished_at)
                      .where(QueueTicket.window_id == window_id, QueueTicket.day == day,
                             QueueTicket.status == "served")
                      .order_by(QueueTicket.finished_at.desc()).limit(ESTIMATE_SAMPLE)).all()
    spans = [(finished - called) / timedelta(minutes=1) for called, finished in rows if called and finished]
    return sum(spans) / len(spans) if spans else DEFAULT_SERVICE_MINUTES


def position_of(db: Session, ticket: QueueTicket, now: datetime, timezone: str) -> Position:
    """People waiting before ``ticket`` at its window, and the wait that makes at today's pace."""
    if ticket.status != "waiting":
        return Position(0, 0)
    ahead = db.scalar(select(func.count()).select_from(QueueTicket)
                      .where(QueueTicket.window_id == ticket.window_id, QueueTicket.status == "waiting",
                             QueueTicket.id < ticket.id)) or 0
    minutes = ahead * service_minutes(db, ticket.window_id, local_day(now, timezone))
    return Position(ahead, math.ceil(minutes))


def window_states(db: Session, now: datetime, timezone: str) -> list[QueueWindowState]:
    """Every window with its state now, for the kiosk's choice of service."""
    local = now.astimezone(ZoneInfo(timezone))
    made = []
    for window in windows(db):
        waiting = waiting_count(db, window.row.id)
        minutes = math.ceil(waiting * service_minutes(db, window.row.id, local.date()))
        made.append(QueueWindowState(letter=window.row.letter, window=window.name, window_label=window.label,
                                     window_phone=window.phone, open=is_open_at(window.row, local),
                                     waiting=waiting, wait_minutes=minutes,
                                     service_codes=[service.code for service in window.services]))
    return made


def by_token(db: Session, token: str) -> QueueTicket | None:
    if not isinstance(token, str) or len(token) != 22:
        return None
    return db.scalar(select(QueueTicket).where(QueueTicket.token == token))


def waiting_count(db: Session, window_id: int) -> int:
    return db.scalar(select(func.count()).select_from(QueueTicket)
                     .where(QueueTicket.window_id == window_id, QueueTicket.status == "waiting")) or 0
