"""What window staff do with numbers: call the next, recall, mark a no-show, transfer to another window, done.
Each call is a row the lobby display and the kiosks poll."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.catalogue import Text
from common.queue_wire import QueueCall as WireCall
from server.audit.log import audit
from server.queueing.models import QueueCall, QueueTicket
from server.queueing.windows import Window, windows

# How many calls the display and a kiosk get at most in one answer.
MAX_CALLS = 50


class CallRefused(Exception):
    pass


def current(db: Session, window_id: int) -> QueueTicket | None:
    """The number called to the window and not finished yet."""
    return db.scalar(select(QueueTicket).where(QueueTicket.window_id == window_id, QueueTicket.status == "called")
                     .order_by(QueueTicket.id).limit(1))


def waiting(db: Session, window_id: int, limit: int = 100) -> list[QueueTicket]:
    return list(db.scalars(select(QueueTicket).where(QueueTicket.window_id == window_id,
                                                     QueueTicket.status == "waiting")
                           .order_by(QueueTicket.id).limit(limit)))


def _call(db: Session, ticket: QueueTicket, recall: bool, now: datetime) -> None:
    db.add(QueueCall(ticket_id=ticket.id, window_id=ticket.window_id, recall=recall, called_at=now))


def call_next(db: Session, window: Window, actor: str, now: datetime) -> QueueTicket:
    """Call the longest-waiting number of the window. Refused while a called number is not finished."""
    if current(db, window.row.id) is not None:
        raise CallRefused("finish the number at the window first (done, no-show or transfer)")
    # Two staff at one window: the second skips the row the first has locked (PostgreSQL; SQLite has one writer).
    ticket = db.scalar(select(QueueTicket).where(QueueTicket.window_id == window.row.id,
                                                 QueueTicket.status == "waiting")
                       .order_by(QueueTicket.id).limit(1).with_for_update(skip_locked=True))
    if ticket is None:
        raise CallRefused("nobody is waiting")
    ticket.status, ticket.called_by = "called", actor
    # The first call ends the wait (the statistics' wait); a transferred number keeps it.
    ticket.called_at = ticket.called_at or now
    _call(db, ticket, False, now)
    audit(db, actor, "queue.call", f"queue_ticket:{ticket.id}", number=ticket.number, window=window.row.key)
    return ticket


def _called(db: Session, window: Window) -> QueueTicket:
    ticket = current(db, window.row.id)
    if ticket is None:
        raise CallRefused("no number is called to this window")
    return ticket


def recall(db: Session, window: Window, actor: str, now: datetime) -> QueueTicket:
    ticket = _called(db, window)
    _call(db, ticket, True, now)
    audit(db, actor, "queue.recall", f"queue_ticket:{ticket.id}", number=ticket.number)
    return ticket


def finish(db: Session, window: Window, outcome: str, actor: str, now: datetime) -> QueueTicket:
    """Done (served) or no-show."""
    if outcome not in ("served", "no_show"):
        raise CallRefused("unknown outcome")
    ticket = _called(db, window)
    ticket.status, ticket.finished_at = outcome, now
    audit(db, actor, f"queue.{outcome}", f"queue_ticket:{ticket.id}", number=ticket.number)
    return ticket


def transfer(db: Session, window: Window, to: Window | None, actor: str) -> QueueTicket:
    """Send the called number to another window's queue, keeping its place by the time it was taken."""
    if to is None or to.row.id == window.row.id:
        raise CallRefused("choose another window")
    ticket = _called(db, window)
    ticket.status, ticket.window_id = "waiting", to.row.id
    audit(db, actor, "queue.transfer", f"queue_ticket:{ticket.id}", number=ticket.number, to=to.row.key)
    return ticket


def calls_after_start(db: Session) -> list[WireCall]:
    """The first calls ever made, oldest first (a kiosk that has seen none yet)."""
    return _wire_calls(db, _CALLS.order_by(QueueCall.id).limit(MAX_CALLS))


def calls_after(db: Session, after: int, limit: int = MAX_CALLS) -> list[WireCall]:
    """The calls made after call ``after`` (0: the latest ``limit``), oldest first."""
    if after:
        return _wire_calls(db, _CALLS.where(QueueCall.id > after).order_by(QueueCall.id).limit(limit))
    return list(reversed(_wire_calls(db, _CALLS.order_by(QueueCall.id.desc()).limit(limit))))


_CALLS = select(QueueCall, QueueTicket.number).join(QueueTicket, QueueTicket.id == QueueCall.ticket_id)


def _wire_calls(db: Session, query) -> list[WireCall]:
    by_id = {window.row.id: window for window in windows(db)}
    rows = db.execute(query).all()
    made = []
    for call, number in rows:
        window = by_id.get(call.window_id)
        name = window.name if window else Text(zh="窗口", en="Window")
        made.append(WireCall(id=call.id, number=number, window=name, window_label=window.label if window else "",
                             called_at=call.called_at, recall=call.recall))
    return made


def next_numbers(db: Session) -> list[dict]:
    """Per open window with someone waiting: its name and the next number (the display's "next" column)."""
    made = []
    for window in windows(db):
        if not window.row.is_open:
            continue
        upcoming = waiting(db, window.row.id, limit=1)
        if upcoming:
            made.append({"window": window.name.model_dump(), "window_label": window.label,
                         "number": upcoming[0].number})
    return made
