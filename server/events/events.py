"""Events: create, edit, publish, cancel; where each is offered; attendance counts.

Every function takes the session and leaves the commit to the caller (a route or the console), so a change
and its audit entry are committed together.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from server import retention
from server.audit.log import audit
from server.core import read_cache
from server.core.clock import utcnow
from server.events.schemas import Attendance, EventFields, EventInfo
from server.fleet.models import (
    Checkin,
    Event,
    EventGroup,
    EventTerminal,
    Registration,
    Terminal,
    TerminalGroup,
)
from server.volunteers.models import VolunteerTeam

# A terminal keeps an event in its check-in bundle until this long after the event ended.
BUNDLE_AFTER_END = timedelta(days=1)


class EventRefused(ValueError):
    """A change the event's state does not allow; the message says why (English, for staff)."""


def get(db: Session, event_id: int) -> Event | None:
    return db.get(Event, event_id)


def terminal_groups(db: Session) -> list[TerminalGroup]:
    """The groups an event can be offered at, by name."""
    return list(db.scalars(select(TerminalGroup).order_by(TerminalGroup.name)))


def list_events(db: Session) -> list[Event]:
    """Every event, the latest start first."""
    return list(db.scalars(select(Event).order_by(Event.starts_at.desc(), Event.id.desc())))


def create(db: Session, fields: EventFields, actor: str) -> Event:
    """A new draft event (terminals see it once published)."""
    _check_offers(db, fields)
    now = utcnow()
    event = Event(status="draft", created_by=actor, created_at=now, updated_at=now,
                  phone_secret=base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode())
    _apply(event, fields)
    db.add(event)
    db.flush()
    _set_offers(db, event, fields)
    audit(db, actor, "event.create", f"event:{event.id}", title=fields.title_zh)
    return event


def update(db: Session, event: Event, fields: EventFields, actor: str) -> None:
    if event.status == "cancelled":
        raise EventRefused("a cancelled event cannot be changed")
    _check_offers(db, fields)
    _apply(event, fields)
    event.updated_at = utcnow()
    _set_offers(db, event, fields)
    audit(db, actor, "event.update", f"event:{event.id}", title=fields.title_zh)


def publish(db: Session, event: Event, actor: str) -> None:
    """Terminals offer it from their next bundle on; the public registration page opens."""
    if event.status != "draft":
        raise EventRefused(f"only a draft can be published; this event is {event.status}")
    event.status = "published"
    event.updated_at = utcnow()
    audit(db, actor, "event.publish", f"event:{event.id}")


def cancel(db: Session, event: Event, actor: str) -> None:
    """Its tickets are refused from now on ("event cancelled"); scans made before stay valid."""
    if event.status == "cancelled":
        return
    now = utcnow()
    event.status = "cancelled"
    event.cancelled_at = now
    event.updated_at = now
    audit(db, actor, "event.cancel", f"event:{event.id}")


def delete_draft(db: Session, event: Event, actor: str) -> None:
    """A draft nobody registered for yet may go; anything else is cancelled instead, so its record stays."""
    if event.status != "draft":
        raise EventRefused("only a draft can be deleted; cancel a published event instead")
    if db.scalar(select(func.count()).select_from(Registration).where(Registration.event_id == event.id)):
        raise EventRefused("this draft has attendees already; cancel it instead")
    audit(db, actor, "event.delete", f"event:{event.id}", title=event.title_zh)
    db.delete(event)


def offers(db: Session, event: Event) -> tuple[list[int], list[int]]:
    """The terminal ids and group ids the event is offered at (meaningful when not ``all_terminals``)."""
    terminal_ids = db.scalars(select(EventTerminal.terminal_id).where(EventTerminal.event_id == event.id)
                              .order_by(EventTerminal.terminal_id))
    group_ids = db.scalars(select(EventGroup.group_id).where(EventGroup.event_id == event.id)
                           .order_by(EventGroup.group_id))
    return list(terminal_ids), list(group_ids)


def offered_at(terminal: Terminal):
    """A WHERE clause: events offered at ``terminal`` (everywhere, at it, or at its group), whatever their state."""
    at_terminal = select(EventTerminal.event_id).where(EventTerminal.terminal_id == terminal.id)
    clauses = [Event.all_terminals.is_(True), Event.id.in_(at_terminal)]
    if terminal.group_id is not None:
        clauses.append(Event.id.in_(select(EventGroup.event_id).where(EventGroup.group_id == terminal.group_id)))
    return or_(*clauses)


def offered_to(db: Session, terminal: Terminal, now: datetime) -> list[Event]:
    """What the terminal's check-in bundle holds: published or cancelled events offered there, not ended more
    than ``BUNDLE_AFTER_END`` ago; soonest first."""
    query = (select(Event).where(offered_at(terminal), Event.status.in_(("published", "cancelled")),
                                 Event.ends_at > now - BUNDLE_AFTER_END)
             .order_by(Event.starts_at, Event.id))
    return list(db.scalars(query))


class _Offer(NamedTuple):
    id: int
    updated_at: datetime
    ends_at: datetime
    everywhere: bool
    terminal_ids: frozenset[int]
    group_ids: frozenset[int]


def offered_versions(db: Session, terminal: Terminal, now: datetime) -> list[tuple[int, datetime]]:
    """(id, updated_at) of the events ``offered_to`` returns, for the bundle's ETag in every heartbeat: from the
    offers of all terminals, kept between requests (server/core/read_cache.py)."""
    tables = (Event.__tablename__, EventTerminal.__tablename__, EventGroup.__tablename__)
    offers = read_cache.cached_read(db, "event_offers", tables, lambda: _current_offers(db, now))
    return [(offer.id, offer.updated_at) for offer in offers if offer.ends_at > now - BUNDLE_AFTER_END and (
        offer.everywhere or terminal.id in offer.terminal_ids or terminal.group_id in offer.group_ids)]


def _current_offers(db: Session, now: datetime) -> tuple[_Offer, ...]:
    # Events only ever leave this window as time passes: read now, filtered again at each use.
    events = db.execute(select(Event.id, Event.updated_at, Event.ends_at, Event.all_terminals)
                        .where(Event.status.in_(("published", "cancelled")), Event.ends_at > now - BUNDLE_AFTER_END)
                        ).all()
    ids = [event.id for event in events]
    at_terminals: dict[int, set[int]] = {}
    at_groups: dict[int, set[int]] = {}
    if ids:
        for event_id, terminal_id in db.execute(select(EventTerminal.event_id, EventTerminal.terminal_id)
                                                .where(EventTerminal.event_id.in_(ids))):
            at_terminals.setdefault(event_id, set()).add(terminal_id)
        for event_id, group_id in db.execute(select(EventGroup.event_id, EventGroup.group_id)
                                             .where(EventGroup.event_id.in_(ids))):
            at_groups.setdefault(event_id, set()).add(group_id)
    return tuple(_Offer(event.id, event.updated_at, event.ends_at, event.all_terminals,
                        frozenset(at_terminals.get(event.id, ())), frozenset(at_groups.get(event.id, ())))
                 for event in events)


def is_offered(db: Session, event_id: int, terminal: Terminal) -> bool:
    return db.scalar(select(Event.id).where(Event.id == event_id, offered_at(terminal))) is not None


def attendance(db: Session, events: list[Event]) -> dict[int, Attendance]:
    """Counts per event: registrations (not revoked / revoked), check-ins that count, and the flagged scans."""
    ids = [event.id for event in events]
    counts = {event.id: Attendance(event_id=event.id, registered=0, revoked=0, checked_in=0, duplicates=0,
                                   would_refuse=0, capacity=event.capacity) for event in events}
    if not ids:
        return counts
    revoked = Registration.revoked_at.is_not(None)
    for event_id, is_revoked, count in db.execute(
            select(Registration.event_id, revoked, func.count()).where(Registration.event_id.in_(ids))
            .group_by(Registration.event_id, revoked)):
        if is_revoked:
            counts[event_id].revoked = count
        else:
            counts[event_id].registered = count
    # Checkin.event_id is None for a scan that named no event; IN (ids) matches none of those.
    for checkin_event_id, count in db.execute(
            select(Checkin.event_id, func.count()).where(Checkin.event_id.in_(ids), Checkin.server_verdict == "welcome")
            .group_by(Checkin.event_id)):
        if checkin_event_id is not None:
            counts[checkin_event_id].checked_in = count
    for checkin_event_id, flag, count in db.execute(
            select(Checkin.event_id, Checkin.flag, func.count()).where(Checkin.event_id.in_(ids), Checkin.flag.is_not(None))
            .group_by(Checkin.event_id, Checkin.flag)):
        if checkin_event_id is not None:
            setattr(counts[checkin_event_id], "duplicates" if flag == "duplicate" else "would_refuse", count)
    _count_pruned(db, counts)
    return counts


def _count_pruned(db: Session, counts: dict[int, Attendance]) -> None:
    """The scans retention deleted, from its counts (server/retention.py): an event's figures outlive them."""
    for _day, key, count in retention.tallies(db, "checkins"):
        event_id, verdict, flag = key.split("|")
        attendance = counts.get(int(event_id))
        if attendance is None:
            continue
        # As counted from the rows above: a welcome is a check-in, and a flag is counted by its kind too.
        if verdict == "welcome":
            attendance.checked_in += count
        if flag == "duplicate":
            attendance.duplicates += count
        elif flag:
            attendance.would_refuse += count


def info(db: Session, event: Event, counts: Attendance | None = None) -> EventInfo:
    """The event as the administration API shows it."""
    counts = counts or attendance(db, [event])[event.id]
    terminal_ids, group_ids = offers(db, event)
    return EventInfo(
        id=event.id, title_zh=event.title_zh, title_en=event.title_en, organiser=event.organiser, place=event.place,
        starts_at=event.starts_at, ends_at=event.ends_at, opens_at=event.opens_at, closes_at=event.closes_at,
        capacity=event.capacity, all_terminals=event.all_terminals, terminal_ids=terminal_ids, group_ids=group_ids,
        self_registration=event.self_registration, volunteer_team_id=event.volunteer_team_id, status=event.status, created_by=event.created_by,
        created_at=event.created_at, updated_at=event.updated_at, cancelled_at=event.cancelled_at,
        registered=counts.registered, checked_in=counts.checked_in,
    )


def phone_secret_bytes(event: Event) -> bytes:
    """The seed of the event's rotating phone check-in code (common.rotating_code)."""
    return base64.urlsafe_b64decode(event.phone_secret + "=" * (-len(event.phone_secret) % 4))


def _apply(event: Event, fields: EventFields) -> None:
    for name in ("title_zh", "title_en", "organiser", "place", "starts_at", "ends_at", "opens_at", "closes_at",
                 "capacity", "all_terminals", "self_registration", "volunteer_team_id"):
        setattr(event, name, getattr(fields, name))


def _check_offers(db: Session, fields: EventFields) -> None:
    """EventRefused naming any terminal, group or volunteer team in ``fields`` that does not exist."""
    teams = [fields.volunteer_team_id] if fields.volunteer_team_id is not None else []
    for model, ids, what in ((Terminal, fields.terminal_ids, "terminal"), (TerminalGroup, fields.group_ids, "group"),
                             (VolunteerTeam, teams, "volunteer team")):
        wanted = set(ids)
        found = set(db.scalars(select(model.id).where(model.id.in_(wanted)))) if wanted else set()
        if wanted - found:
            raise EventRefused(f"no such {what}: {', '.join(str(i) for i in sorted(wanted - found))}")


def _set_offers(db: Session, event: Event, fields: EventFields) -> None:
    db.execute(delete(EventTerminal).where(EventTerminal.event_id == event.id))
    db.execute(delete(EventGroup).where(EventGroup.event_id == event.id))
    db.add_all([EventTerminal(event_id=event.id, terminal_id=i) for i in sorted(set(fields.terminal_ids))])
    db.add_all([EventGroup(event_id=event.id, group_id=i) for i in sorted(set(fields.group_ids))])
    db.flush()
