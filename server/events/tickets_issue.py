"""The server's ticket keys and ticket texts: the signing key (made on first use), rotation, withdrawal.

Private keys are stored sealed (``server/ticket_key_vault.py``): the database alone cannot issue tickets.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common import tickets
from server.audit.log import audit
from server.core import read_cache
from server.core.clock import utcnow
from server.events.schemas import TicketKeyInfo
from server.events.ticket_key_vault import vault
from server.fleet.models import Registration, TicketKey


class KeyRefused(ValueError):
    """A key change that would leave the server unable to issue tickets, or an unknown key."""


def signing_key(db: Session) -> tuple[TicketKey, tickets.SigningKey]:
    """The key new tickets are signed with: the newest one in service, made now if there is none."""
    row = db.scalar(select(TicketKey).where(TicketKey.retired_at.is_(None), TicketKey.withdrawn_at.is_(None))
                    .order_by(TicketKey.id.desc()).limit(1))
    if row is None:
        row = _new_key(db)
    return row, _signing_key(row)


def rotate(db: Session, actor: str) -> TicketKey:
    """A new signing key; the previous ones retire but stay trusted, so tickets already out keep working."""
    now = utcnow()
    for row in db.scalars(select(TicketKey).where(TicketKey.retired_at.is_(None))):
        row.retired_at = now
    row = _new_key(db)
    audit(db, actor, "ticket_key.rotate", f"ticket_key:{row.id}")
    return row


def withdraw(db: Session, key_id: int, actor: str) -> TicketKey:
    """Terminals stop trusting the key (e.g. it leaked): every ticket it signed reads as forged from now on.

    Registrations signed with it are not re-issued here; download their tickets again after a rotation.
    """
    row = db.get(TicketKey, key_id)
    if row is None:
        raise KeyRefused(f"no ticket key {key_id}")
    if row.withdrawn_at is None:
        row.withdrawn_at = utcnow()
        row.retired_at = row.retired_at or row.withdrawn_at
        audit(db, actor, "ticket_key.withdraw", f"ticket_key:{row.id}")
    return row


def public_keys(db: Session) -> Mapping[int, bytes]:
    """Key id -> raw public key of every key terminals trust (kept between requests: every record batch with a
    scan asks; a key withdrawn in another server process stops counting here up to a second later)."""
    def read() -> Mapping[int, bytes]:
        rows = db.execute(select(TicketKey.id, TicketKey.public_key).where(TicketKey.withdrawn_at.is_(None)))
        return MappingProxyType({key_id: public for key_id, public in rows})

    return read_cache.cached_read(db, "ticket_public_keys", (TicketKey.__tablename__,), read)


def ticket_text(db: Session, registration: Registration) -> str:
    """The QR text of a registration's ticket (deterministic: the same text every time)."""
    return tickets.issue(signing_key_of(db, registration.key_id), registration.event_id, registration.ticket_id)


def signing_key_of(db: Session, key_id: int) -> tickets.SigningKey:
    """The signing key with ``key_id`` (keys are never deleted; a booking pass is signed by one too)."""
    return _signing_key(db.get_one(TicketKey, key_id))


def ticket_image(text: str, image_format: str) -> tuple[bytes, str]:
    """The ticket's QR code as (bytes, media type): "png" or "svg"."""
    if image_format == "png":
        return tickets.render_png(text), "image/png"
    return tickets.render_svg(text).encode(), "image/svg+xml"


def key_info(row: TicketKey) -> TicketKeyInfo:
    return TicketKeyInfo(key_id=row.id, public_key=b64url(row.public_key), created_at=row.created_at,
                         retired_at=row.retired_at, withdrawn_at=row.withdrawn_at)


def list_keys(db: Session) -> list[TicketKey]:
    return list(db.scalars(select(TicketKey).order_by(TicketKey.id)))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _new_key(db: Session) -> TicketKey:
    # Small sequential ids: the key id is a varint in every ticket, one byte up to 127.
    for _ in range(5):
        key_id = (db.scalar(select(func.max(TicketKey.id))) or 0) + 1
        key = tickets.SigningKey.generate(key_id)
        row = TicketKey(id=key_id, sealed_private_key=vault().seal(key_id, key.private_bytes()),
                        public_key=key.public_bytes(), created_at=utcnow())
        try:
            with db.begin_nested():
                db.add(row)
            return row
        except IntegrityError:  # another server process made that key a moment ago
            continue
    raise KeyRefused("could not create a ticket key (contention)")


def _signing_key(row: TicketKey) -> tickets.SigningKey:
    return tickets.SigningKey.from_private_bytes(row.id, vault().open(row.id, row.sealed_private_key))
