"""The check-in decision: one pure function that the kiosk (offline) and the server (online) both call.

Checks run in a fixed order and the first that fails gives the verdict: unreadable, forged, wrong
event, event cancelled, ticket cancelled, outside the check-in window, already checked in, welcome.

A volunteer activity (``EventWindow.volunteer``) also checks out: a ticket checked in and scanned again at
least ``CHECKOUT_AFTER`` later is checked out (after the window closes too: the hours are capped at the
activity's end anyway); a scan sooner than that is a repeat ("already"), and so is any scan after the check-out.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from common.tickets import ForgedTicket, Ticket, UnreadableTicket, verify

VerdictKind = Literal[
    "welcome", "checked_out", "already", "wrong_event", "not_open", "closed", "cancelled", "event_cancelled", "unreadable", "forged"
]
EventStatus = Literal["published", "cancelled", "draft"]
# A second scan of a volunteer's ticket this long after the check-in is the check-out: long enough that a
# volunteer who holds the ticket to the scanner twice by mistake is not checked out at once, short enough for
# the shortest real service (a quarter of an hour of traffic help).
CHECKOUT_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class EventWindow:
    """An event as check-in sees it: open from ``opens_at`` (inclusive) to ``closes_at`` (exclusive)."""

    event_id: int
    opens_at: datetime
    closes_at: datetime
    status: EventStatus
    volunteer: bool = False  # a volunteer activity: a later scan checks out


@dataclass(frozen=True)
class PriorCheckin:
    scanned_at: datetime
    terminal_name: str
    checked_out_at: datetime | None = None  # volunteer activities: the check-out that counts, if any


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    ticket: Ticket | None
    prior: PriorCheckin | None
    detail: str  # for logs and audit, English, never shown to visitors

    @property
    def accepted(self) -> bool:
        return self.kind == "welcome"


def decide(
    text: str,
    *,
    now: datetime,
    events: Mapping[int, EventWindow],
    public_keys: Mapping[int, bytes],
    revoked: Container[int],
    prior: Callable[[int], PriorCheckin | None],
) -> Verdict:
    """The verdict on scanned ``text`` at ``now`` (aware) for a terminal offering ``events``.

    ``revoked`` holds cancelled ticket ids; ``prior(ticket_id)`` is the earlier check-in of that ticket, if any.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (UTC)")
    try:
        ticket = verify(text, public_keys)
    except UnreadableTicket as error:
        return Verdict("unreadable", None, None, str(error))
    except ForgedTicket as error:
        return Verdict("forged", None, None, str(error))
    ids = f"event {ticket.event_id} ticket {ticket.ticket_id}"
    event = events.get(ticket.event_id)
    if event is None:
        return Verdict("wrong_event", ticket, None, f"{ids}: event not offered at this terminal")
    if event.status == "cancelled":
        return Verdict("event_cancelled", ticket, None, f"{ids}: event cancelled")
    if ticket.ticket_id in revoked:
        return Verdict("cancelled", ticket, None, f"{ids}: ticket revoked")
    if event.status != "published":
        return Verdict("not_open", ticket, None, f"{ids}: event is {event.status}, not published")
    if now < event.opens_at:
        return Verdict("not_open", ticket, None, f"{ids}: check-in opens at {event.opens_at.isoformat()}")
    closed = now >= event.closes_at
    if closed and not event.volunteer:
        return Verdict("closed", ticket, None, f"{ids}: check-in closed at {event.closes_at.isoformat()}")
    earlier = prior(ticket.ticket_id)
    if event.volunteer and earlier is not None:
        return _volunteer_rescan(ticket, earlier, now, ids)
    if closed:
        return Verdict("closed", ticket, None, f"{ids}: check-in closed at {event.closes_at.isoformat()}")
    if earlier is not None:
        return Verdict(
            "already", ticket, earlier, f"{ids}: checked in at {earlier.scanned_at.isoformat()} on {earlier.terminal_name}"
        )
    return Verdict("welcome", ticket, None, f"{ids}: welcome")


def _volunteer_rescan(ticket: Ticket, earlier: PriorCheckin, now: datetime, ids: str) -> Verdict:
    """A checked-in volunteer's ticket again: the check-out, or a repeat."""
    if earlier.checked_out_at is not None and earlier.checked_out_at <= now:
        return Verdict("already", ticket, earlier, f"{ids}: checked out at {earlier.checked_out_at.isoformat()}")
    if now - earlier.scanned_at < CHECKOUT_AFTER:
        return Verdict("already", ticket, earlier,
                       f"{ids}: checked in at {earlier.scanned_at.isoformat()}, too soon to check out")
    return Verdict("checked_out", ticket, earlier, f"{ids}: checked out (in at {earlier.scanned_at.isoformat()})")


def credited_minutes(checked_in_at: datetime | None, checked_out_at: datetime | None, ends_at: datetime) -> int:
    """A volunteer's whole minutes of service: check-in to check-out, the check-out capped at the activity's end
    (what the kiosk says at check-out and what the server credits)."""
    if checked_in_at is None or checked_out_at is None:
        return 0
    return max(0, int((min(checked_out_at, ends_at) - checked_in_at).total_seconds()) // 60)
