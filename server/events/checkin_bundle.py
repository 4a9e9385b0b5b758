"""A terminal's check-in bundle (wire.CheckinBundle) and its ETag.

The ETag is cheap to compute (a few aggregate queries, no names or check-ins loaded), because every heartbeat
carries it: it changes whenever the events offered at the terminal, their registrations or revocations, their
check-ins or the trusted keys change, and at least hourly (events drop out a day after they end).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common import wire
from common.catalogue import Text
from server.core import read_cache
from server.events import events as events_domain
from server.events import tickets_issue
from server.fleet.models import Checkin, Registration, Terminal, TicketKey


def etag(db: Session, terminal: Terminal, now: datetime) -> str:
    return _etag(db, events_domain.offered_versions(db, terminal, now), now)


def bundle(db: Session, terminal: Terminal, now: datetime) -> wire.CheckinBundle:
    """Everything the terminal needs to check tickets in offline; ``etag`` is computed first, so the content
    is never older than its tag (at worst newer, which costs one extra fetch)."""
    events = events_domain.offered_to(db, terminal, now)
    tag = _etag(db, [(event.id, event.updated_at) for event in events], now)
    ids = [event.id for event in events]
    registrations = db.execute(select(Registration.ticket_id, Registration.sealed_name, Registration.revoked_at)
                               .where(Registration.event_id.in_(ids)).order_by(Registration.ticket_id)).all() if ids else []
    # The check-ins that count, and at volunteer activities the check-outs: the kiosk reads a ticket's first row
    # as its check-in and a row at least CHECKOUT_AFTER later as its check-out (services/checkin/bundle_store).
    counted = db.execute(select(Checkin.event_id, Checkin.ticket_id, Checkin.scanned_at, Checkin.terminal_name,
                                Checkin.server_verdict)
                         .where(Checkin.event_id.in_(ids), Checkin.server_verdict.in_(("welcome", "checked_out")))
                         .order_by(Checkin.scanned_at, Checkin.id)).all() if ids else []
    checked_in = {event_id: 0 for event_id in ids}
    for row in counted:
        checked_in[row.event_id] += row.server_verdict == "welcome"
    return wire.CheckinBundle(
        etag=tag,
        events=[wire.CheckinEvent(
            id=event.id, title=Text(zh=event.title_zh, en=event.title_en), organiser=event.organiser,
            place=event.place, starts_at=event.starts_at, ends_at=event.ends_at, opens_at=event.opens_at,
            closes_at=event.closes_at, capacity=event.capacity, status=event.status, phone_secret=event.phone_secret,
            checked_in=checked_in[event.id], volunteer=event.volunteer_team_id is not None) for event in events],
        public_keys=[wire.TicketPublicKey(key_id=key_id, public_key=tickets_issue.b64url(public))
                     for key_id, public in sorted(tickets_issue.public_keys(db).items())],
        revoked=[row.ticket_id for row in registrations if row.revoked_at is not None],
        names=[wire.SealedName(ticket_id=row.ticket_id, sealed=row.sealed_name)
               for row in registrations if row.revoked_at is None],
        recent=[wire.RecentCheckin(ticket_id=row.ticket_id, scanned_at=row.scanned_at, terminal_name=row.terminal_name)
                for row in counted],
    )


def _etag(db: Session, offered: list[tuple[int, datetime]], now: datetime) -> str:
    ids = [event_id for event_id, _ in offered]
    keys = read_cache.cached_read(db, "ticket_keys", (TicketKey.__tablename__,), lambda: tuple(
        db.execute(select(func.max(TicketKey.id), func.count(TicketKey.withdrawn_at))).one()))
    parts: list[object] = [f"{now:%Y%m%d%H}", keys, sorted((i, u.isoformat()) for i, u in offered)]
    if ids:
        parts.append(tuple(db.execute(
            select(func.count(), func.max(Registration.id), func.count(Registration.revoked_at),
                   func.max(Registration.revoked_at)).where(Registration.event_id.in_(ids))).one()))
        # Every change to check-ins adds a row (a displaced scan is re-judged when its successor is added).
        parts.append(db.scalar(select(func.max(Checkin.id)).where(Checkin.event_id.in_(ids))))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
