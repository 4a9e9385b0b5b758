"""After a restore, each terminal is asked at its heartbeats to send again what it kept since the backup was taken,
until a heartbeat says it has (``wire.Heartbeat.resent_since``). The record store keeps each id once, so what the
backup already held is a duplicate and the rest lands once.

Terminals keep personal fields only sealed to the server's record key; ``open_sealed_fields`` opens them as a
record comes in, so what is stored is what the terminal first sent.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from common import sealed_box, wire
from server.core import read_cache
from server.core.clock import as_utc
from server.core.config import ServerSettings
from server.core.db import dialect_insert
from server.core.server_secrets import KEPT_SECRETS, configured_secret
from server.fleet.models import Restore, Terminal, TerminalResend

log = logging.getLogger(__name__)

_RECORD_SEAL = next(secret for secret in KEPT_SECRETS if secret.setting == "record_seal_secret")


class _LatestRestore(NamedTuple):
    id: int
    backup_taken_at: datetime


def _latest_restore(db: Session) -> _LatestRestore | None:
    # Every heartbeat asks, and a restore is rare.
    def read() -> _LatestRestore | None:
        row = db.execute(select(Restore.id, Restore.backup_taken_at).order_by(Restore.id.desc()).limit(1)).first()
        return None if row is None else _LatestRestore(row.id, row.backup_taken_at)

    return read_cache.cached_read(db, "latest_restore", (Restore.__tablename__,), read)


def resend_since(db: Session, terminal: Terminal, heartbeat: wire.Heartbeat) -> datetime | None:
    """What to put in this terminal's heartbeat reply: the backup's time while it has not re-sent, else None.

    A heartbeat that reports having acted on this very time is recorded, so the request stops."""
    restore = _latest_restore(db)
    if restore is None:
        return None
    since = as_utc(restore.backup_taken_at)
    done = db.get(TerminalResend, (terminal.id, restore.id)) is not None
    if done:
        return None
    if heartbeat.resent_since is not None and as_utc(heartbeat.resent_since) == since:
        db.execute(dialect_insert(db, TerminalResend).on_conflict_do_nothing(),
                   [{"terminal_id": terminal.id, "restore_id": restore.id}])
        return None
    return since


def pending_terminals(db: Session) -> int:
    """Terminals not yet re-sent since the latest restore (all enrolled ones, revoked excluded)."""
    restore = _latest_restore(db)
    if restore is None:
        return 0
    done = select(TerminalResend.terminal_id).where(TerminalResend.restore_id == restore.id)
    return len(db.scalars(select(Terminal.id).where(Terminal.enrolled_at.is_not(None), Terminal.revoked_at.is_(None),
                                                    Terminal.id.not_in(done))).all())


@cache
def _private_key(secret: bytes) -> X25519PrivateKey:
    return sealed_box.private_key_from_secret(secret)


def record_key(settings: ServerSettings) -> X25519PrivateKey:
    return _private_key(configured_secret(settings, _RECORD_SEAL))


def public_record_key(settings: ServerSettings) -> str:
    return _public_key_text(configured_secret(settings, _RECORD_SEAL))


@cache
def _public_key_text(secret: bytes) -> str:
    # In every heartbeat's and record batch's reply: the X25519 derivation once per secret, not per call.
    return sealed_box.public_key_text(_private_key(secret))


def open_sealed_fields(settings: ServerSettings, record_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with its sealed fields back in clear; left without them when they do not open (another key:
    the record seal secret was not kept with the backup), with a warning."""
    sealed = payload.get(wire.SEALED_FIELDS_KEY)
    if sealed is None:
        return payload
    opened = {key: value for key, value in payload.items() if key != wire.SEALED_FIELDS_KEY}
    text = sealed_box.open_sealed(record_key(settings), sealed) if isinstance(sealed, str) else None
    try:
        fields = json.loads(text) if text is not None else None
    except json.JSONDecodeError:
        fields = None
    if not isinstance(fields, dict):
        log.warning("record %s: its sealed fields do not open with this server's record key (%s); stored without "
                    "them", record_id, _RECORD_SEAL.file)
        return opened
    return {**opened, **fields}
