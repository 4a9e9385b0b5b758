"""The check-in bundle from the server in the local store, and this terminal's own check-in log.

The bundle (events offered here, ticket public keys, revoked tickets, sealed names, recent check-ins
elsewhere) is replaced whole in one transaction. Per-scan lookups are index hits by ticket id; events
and keys are few and kept parsed in memory until another bundle is applied (by any ``CheckinStore`` on
the same ``LocalStore``: the applied etag is re-read on each use).
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
import threading
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from common import wire
from common.checkin_rules import CHECKOUT_AFTER, EventWindow, PriorCheckin
from services.storage.store import LocalStore

# The etag of the bundle in the tables (set in the same transaction that fills them).
APPLIED_ETAG_KEY = "checkin_applied_etag"
PUBLIC_KEY_BYTES = 32


class CheckinBundleError(ValueError):
    """A bundle the kiosk cannot use; the one it has stays."""


def parse_bundle(document: Any, source: str) -> wire.CheckinBundle:
    """Validate a downloaded bundle, keys included; raises ``CheckinBundleError`` naming ``source``."""
    try:
        bundle = wire.CheckinBundle.model_validate(document)
    except ValidationError as exc:
        raise CheckinBundleError(f"{source}: not a check-in bundle: {exc}") from None
    for key in bundle.public_keys:
        if len(_unbase64url(key.public_key, f"{source}: public key {key.key_id}")) != PUBLIC_KEY_BYTES:
            raise CheckinBundleError(f"{source}: public key {key.key_id} is not {PUBLIC_KEY_BYTES} bytes")
    for event in bundle.events:
        _unbase64url(event.phone_secret, f"{source}: phone secret of event {event.id}")
    return bundle


def utc_text(moment: datetime) -> str:
    """One fixed format for stored times, so that they sort as text."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class CheckinStore:
    def __init__(self, store: LocalStore):
        self._store = store
        self._lock = threading.Lock()
        self._cached_etag: str | None = None
        self._events: dict[int, wire.CheckinEvent] = {}
        self._windows: dict[int, EventWindow] = {}
        self._keys: dict[int, bytes] = {}

    # -- the bundle ------------------------------------------------------------------------------

    def replace(self, bundle: wire.CheckinBundle) -> None:
        """Swap in a validated bundle atomically: scans see the old one or the new one, never a mix."""
        with self._store.transaction() as db:
            for table in ("checkin_events", "checkin_keys", "checkin_revoked", "checkin_names", "checkin_recent"):
                db.execute(f"DELETE FROM {table}")
            db.executemany("INSERT INTO checkin_events (id, document) VALUES (?, ?)",
                           ((event.id, event.model_dump_json()) for event in bundle.events))
            db.executemany("INSERT INTO checkin_keys (key_id, public_key) VALUES (?, ?)",
                           ((key.key_id, _unbase64url(key.public_key, "public key")) for key in bundle.public_keys))
            db.executemany("INSERT OR IGNORE INTO checkin_revoked (ticket_id) VALUES (?)",
                           ((ticket_id,) for ticket_id in bundle.revoked))
            db.executemany("INSERT OR REPLACE INTO checkin_names (ticket_id, sealed) VALUES (?, ?)",
                           ((name.ticket_id, name.sealed) for name in bundle.names))
            db.executemany("INSERT INTO checkin_recent (ticket_id, scanned_at, terminal_name) VALUES (?, ?, ?)",
                           ((r.ticket_id, utc_text(r.scanned_at), r.terminal_name) for r in bundle.recent))
            db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (APPLIED_ETAG_KEY, bundle.etag))

    def applied_etag(self) -> str | None:
        return self._store.get_state(APPLIED_ETAG_KEY)

    def events(self) -> dict[int, wire.CheckinEvent]:
        """The events this terminal offers, by id."""
        self._refresh()
        return self._events

    def windows(self) -> dict[int, EventWindow]:
        self._refresh()
        return self._windows

    def public_keys(self) -> dict[int, bytes]:
        self._refresh()
        return self._keys

    # -- per ticket ------------------------------------------------------------------------------

    def is_revoked(self, ticket_id: int) -> bool:
        with self._store.transaction() as db:
            return db.execute("SELECT 1 FROM checkin_revoked WHERE ticket_id = ?", (ticket_id,)).fetchone() is not None

    def sealed_name(self, ticket_id: int) -> str | None:
        with self._store.transaction() as db:
            row = db.execute("SELECT sealed FROM checkin_names WHERE ticket_id = ?", (ticket_id,)).fetchone()
        return row["sealed"] if row else None

    def prior(self, ticket_id: int, here: str) -> PriorCheckin | None:
        """The ticket's first check-in known here, from the server's list or this terminal's (``here``) log, and
        the first scan accepted at least CHECKOUT_AFTER later as its check-out (only volunteer activities have
        one: elsewhere their events' check-ins are the only rows)."""
        with self._store.transaction() as db:
            elsewhere = db.execute("SELECT scanned_at, terminal_name FROM checkin_recent WHERE ticket_id = ?",
                                   (ticket_id,)).fetchall()
            local = db.execute("SELECT scanned_at FROM checkin_log WHERE ticket_id = ? AND accepted = 1",
                               (ticket_id,)).fetchall()
        found = sorted([(row["scanned_at"], row["terminal_name"]) for row in elsewhere]
                       + [(row["scanned_at"], here) for row in local])
        if not found:
            return None
        scanned_at, terminal_name = datetime.fromisoformat(found[0][0]), found[0][1]
        later = (datetime.fromisoformat(text) for text, _ in found[1:])
        checked_out_at = next((moment for moment in later if moment - scanned_at >= CHECKOUT_AFTER), None)
        return PriorCheckin(scanned_at=scanned_at, terminal_name=terminal_name, checked_out_at=checked_out_at)

    # -- writing a scan (inside the desk's transaction) ------------------------------------------

    @staticmethod
    def log_scan(db: sqlite3.Connection, record_id: str, ticket_id: int, event_id: int, scanned_at: datetime,
                 accepted: bool) -> None:
        db.execute(
            "INSERT INTO checkin_log (record_id, ticket_id, event_id, scanned_at, accepted) VALUES (?, ?, ?, ?, ?)",
            (record_id, ticket_id, event_id, utc_text(scanned_at), int(accepted)),
        )

    @staticmethod
    def learn(db: sqlite3.Connection, ticket_id: int, *, revoked: bool = False,
              prior: PriorCheckin | None = None) -> None:
        """Keep what an online answer taught until the next bundle says it too."""
        if revoked:
            db.execute("INSERT OR IGNORE INTO checkin_revoked (ticket_id) VALUES (?)", (ticket_id,))
        if prior is not None:
            moments = [prior.scanned_at] + ([prior.checked_out_at] if prior.checked_out_at is not None else [])
            db.executemany("INSERT INTO checkin_recent (ticket_id, scanned_at, terminal_name) VALUES (?, ?, ?)",
                           ((ticket_id, utc_text(moment), prior.terminal_name) for moment in moments))

    def local_checkins(self, event_id: int) -> int:
        """Tickets this terminal accepted for the event."""
        with self._store.transaction() as db:
            return db.execute("SELECT COUNT(DISTINCT ticket_id) FROM checkin_log WHERE event_id = ? AND accepted = 1",
                              (event_id,)).fetchone()[0]

    # -- internals -------------------------------------------------------------------------------

    def _refresh(self) -> None:
        with self._lock, self._store.transaction() as db:
            row = db.execute("SELECT value FROM state WHERE key = ?", (APPLIED_ETAG_KEY,)).fetchone()
            etag = row["value"] if row else None
            if etag == self._cached_etag and etag is not None:
                return
            events = [wire.CheckinEvent.model_validate_json(row["document"])
                      for row in db.execute("SELECT document FROM checkin_events")]
            keys = {row["key_id"]: bytes(row["public_key"])
                    for row in db.execute("SELECT key_id, public_key FROM checkin_keys")}
            self._events = {event.id: event for event in events}
            self._windows = {event.id: EventWindow(event_id=event.id, opens_at=event.opens_at,
                                                   closes_at=event.closes_at, status=event.status,
                                                   volunteer=event.volunteer)
                             for event in events}
            self._keys = keys
            self._cached_etag = etag


class RevokedTickets:
    """The revocation list as the ``Container[int]`` that ``checkin_rules.decide`` asks."""

    def __init__(self, store: CheckinStore):
        self._store = store

    def __contains__(self, ticket_id: object) -> bool:
        return isinstance(ticket_id, int) and self._store.is_revoked(ticket_id)


def _unbase64url(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise CheckinBundleError(f"{what} is not base64url") from None
