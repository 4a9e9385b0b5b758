"""Records the server confirmed, kept on the terminal for a while: a server restored from a backup asks for the
ones it confirmed since that backup (``wire.HeartbeatReply.resend_since``), and they go back into the outbox
with their own ids, so each lands once.

A kept copy holds no personal data in clear: the fields ``wire.KEPT_SEALED_FIELDS`` names (a visitor's phone, a
ticket's text) are sealed to the server's record key (common.sealed_box), or left out when the server sent none.
Kept copies are pruned by age and by total size, oldest first.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from common import sealed_box, wire

# A terminal's clock may be off from the server's: records confirmed this much before ``since`` go again too
# (the server drops what it already holds).
CLOCK_MARGIN = timedelta(hours=1)


def kept_payload(kind: str, payload: dict[str, Any], seal_key: str | None) -> dict[str, Any]:
    """``payload`` without its personal fields in clear: they are sealed under ``wire.SEALED_FIELDS_KEY``."""
    personal = {name: payload[name] for name in wire.KEPT_SEALED_FIELDS.get(kind, ()) if payload.get(name)}
    if not personal:
        return payload
    kept = {key: value for key, value in payload.items() if key not in personal}
    if seal_key:
        kept[wire.SEALED_FIELDS_KEY] = sealed_box.seal(seal_key, json.dumps(personal, ensure_ascii=False))
    return kept


def keep_in(db: sqlite3.Connection, ids: list[str], seal_key: str | None, now: datetime) -> None:
    """Copy the outbox rows ``ids`` into the kept records (inside the transaction that confirms them)."""
    for record_id in ids:
        row = db.execute("SELECT kind, created_at, payload FROM outbox WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            continue
        payload = kept_payload(row["kind"], json.loads(row["payload"]), seal_key)
        db.execute(
            "INSERT OR REPLACE INTO kept (id, kind, created_at, payload, confirmed_at) VALUES (?, ?, ?, ?, ?)",
            (record_id, row["kind"], row["created_at"], json.dumps(payload, ensure_ascii=False), _stamp(now)),
        )


def prune(db: sqlite3.Connection, now: datetime, keep_days: int, keep_bytes: int) -> int:
    """Drop kept records older than ``keep_days``, then the oldest until they fit ``keep_bytes``; how many went."""
    dropped = db.execute("DELETE FROM kept WHERE confirmed_at < ?",
                         (_stamp(now - timedelta(days=keep_days)),)).rowcount
    total = db.execute("SELECT COALESCE(SUM(LENGTH(payload) + 100), 0) FROM kept").fetchone()[0]
    if total > keep_bytes:
        excess, cut = total - keep_bytes, None
        for confirmed_at, size in db.execute("SELECT confirmed_at, LENGTH(payload) + 100 FROM kept ORDER BY confirmed_at"):
            excess -= size
            cut = confirmed_at
            if excess <= 0:
                break
        dropped += db.execute("DELETE FROM kept WHERE confirmed_at <= ?", (cut,)).rowcount
    return dropped


def requeue_since(db: sqlite3.Connection, since: datetime) -> int:
    """Put every record kept since ``since`` (less the clock margin) back into the outbox; how many went."""
    return db.execute(
        "INSERT OR IGNORE INTO outbox (id, kind, created_at, payload)"
        " SELECT id, kind, created_at, payload FROM kept WHERE confirmed_at >= ? ORDER BY created_at",
        (_stamp(since - CLOCK_MARGIN),),
    ).rowcount


def _stamp(moment: datetime) -> str:
    """One fixed format, so that the stamps compare as text in SQL."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def kept_count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT COUNT(*) FROM kept").fetchone()[0]
