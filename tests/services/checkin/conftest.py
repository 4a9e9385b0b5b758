"""Check-in service tests: a real store file, real signed tickets, bundles built as the server sends them."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from common import tickets, wire
from services.checkin.bundle_store import CheckinStore
from services.storage.outbox import Outbox

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
KEY = tickets.SigningKey.from_private_bytes(1, bytes(range(32)))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def event(event_id: int = 7, *, status: str = "published", opens: timedelta = timedelta(hours=-1),
          closes: timedelta = timedelta(hours=2)) -> wire.CheckinEvent:
    return wire.CheckinEvent(
        id=event_id, title={"zh": f"活动 {event_id}", "en": f"Event {event_id}"}, organiser="党群服务中心",
        place="T3-1107", starts_at=NOW, ends_at=NOW + timedelta(hours=3), opens_at=NOW + opens,
        closes_at=NOW + closes, capacity=100, status=status, phone_secret=b64url(b"s" * 20), checked_in=0,
    )


def bundle(*events: wire.CheckinEvent, etag: str = "b1", keys=(KEY,), revoked=(), names=(), recent=()
           ) -> wire.CheckinBundle:
    return wire.CheckinBundle(
        etag=etag,
        events=list(events) or [event()],
        public_keys=[wire.TicketPublicKey(key_id=key.key_id, public_key=b64url(key.public_bytes())) for key in keys],
        revoked=list(revoked),
        names=[wire.SealedName(ticket_id=ticket_id, sealed=sealed) for ticket_id, sealed in names],
        recent=[wire.RecentCheckin(ticket_id=t, scanned_at=at, terminal_name=name) for t, at, name in recent],
    )


def ticket(ticket_id: int, event_id: int = 7, key: tickets.SigningKey = KEY) -> str:
    return tickets.issue(key, event_id, ticket_id)


@pytest.fixture
def checkin_store(store) -> CheckinStore:
    return CheckinStore(store)


@pytest.fixture
def outbox(store) -> Outbox:
    return Outbox(store)
