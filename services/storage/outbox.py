"""The outbox: what visitors created on this terminal, kept in the local store until the server has it.

``add`` commits (SQLite synchronous=FULL) before it returns, so whatever the screen confirms survives a
power cut. Records leave only when the server confirmed them (``confirm``); those it refused are
``park``ed with its reason, so one bad record never blocks the ones behind it.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, get_args

from common.wire import MAX_RECORD_PAYLOAD_BYTES, RecordKind
from services.storage import kept
from services.storage.store import LocalStore

RECORD_KINDS: tuple[str, ...] = get_args(RecordKind)


class OutboxError(ValueError):
    """A record the server would refuse as it is: refused here, before the visitor is told "done"."""


@dataclass(frozen=True)
class QueuedRecord:
    id: str
    kind: str
    created_at: str  # ISO 8601, UTC
    payload: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        """One item of a ``wire.RecordBatch``."""
        return {"id": self.id, "kind": self.kind, "created_at": self.created_at, "payload": self.payload}


@dataclass(frozen=True)
class ParkedRecord(QueuedRecord):
    error: str
    parked_at: str


@dataclass(frozen=True)
class KeepPolicy:
    """How confirmed records are kept: for ``days`` (0: not at all), within ``max_bytes``, personal fields sealed
    to ``seal_key`` (the server's record key; None: left out)."""

    days: int
    max_bytes: int
    seal_key: str | None


class Outbox:
    def __init__(self, store: LocalStore):
        self._store = store

    def add(self, kind: str, payload: dict[str, Any]) -> str:
        """Queue a record and return its id once it is on disk."""
        with self._store.transaction() as db:
            return self.add_in(db, kind, payload)

    def add_in(self, db: sqlite3.Connection, kind: str, payload: dict[str, Any], record_id: str | None = None) -> str:
        """Queue a record inside the caller's ``store.transaction()``: it is on disk once that commits.

        ``record_id`` (a UUID) lets a record share its id with a request that already carried it."""
        if kind not in RECORD_KINDS:
            raise OutboxError(f"record kind {kind!r} is not one of {', '.join(RECORD_KINDS)}")
        if not isinstance(payload, dict):
            raise OutboxError(f"record payload must be a JSON object, not {type(payload).__name__}")
        try:
            document = json.dumps(payload, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise OutboxError(f"record payload is not JSON: {exc}") from None
        size = len(document.encode())
        if size > MAX_RECORD_PAYLOAD_BYTES:
            raise OutboxError(f"record payload is {size} bytes, more than {MAX_RECORD_PAYLOAD_BYTES}")
        record_id = record_id or str(uuid.uuid4())
        created_at = datetime.now(UTC).isoformat()
        db.execute(
            "INSERT INTO outbox (id, kind, created_at, payload) VALUES (?, ?, ?, ?)",
            (record_id, kind, created_at, document),
        )
        return record_id

    def depth(self) -> int:
        with self._store.transaction() as db:
            return db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]

    def parked_count(self) -> int:
        with self._store.transaction() as db:
            return db.execute("SELECT COUNT(*) FROM parked").fetchone()[0]

    def next_batch(self, n: int) -> list[QueuedRecord]:
        """The ``n`` oldest records, oldest first."""
        with self._store.transaction() as db:
            rows = db.execute(
                "SELECT id, kind, created_at, payload FROM outbox ORDER BY seq LIMIT ?", (n,)
            ).fetchall()
        return [QueuedRecord(row["id"], row["kind"], row["created_at"], json.loads(row["payload"])) for row in rows]

    def confirm(self, ids, keep: KeepPolicy | None = None) -> int:
        """Drop records the server confirmed it holds; returns how many were dropped. With ``keep``, a copy of
        each stays among the kept records (services.storage.kept), in the same transaction."""
        ids = list(ids)
        with self._store.transaction() as db:
            if keep is not None and keep.days > 0:
                now = datetime.now(UTC)
                kept.keep_in(db, ids, keep.seal_key, now)
                kept.prune(db, now, keep.days, keep.max_bytes)
            return db.executemany("DELETE FROM outbox WHERE id = ?", ((record_id,) for record_id in ids)).rowcount

    def requeue_kept(self, since: datetime) -> int:
        """The kept records confirmed since ``since`` back in the queue (a restored server asked); how many."""
        with self._store.transaction() as db:
            return kept.requeue_since(db, since)

    def kept_count(self) -> int:
        with self._store.transaction() as db:
            return kept.kept_count(db)

    def park(self, record_id: str, error: str) -> None:
        """Move a record the server refused out of the queue, keeping it and the reason."""
        with self._store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO parked (id, kind, created_at, payload, error, parked_at)"
                " SELECT id, kind, created_at, payload, ?, ? FROM outbox WHERE id = ?",
                (error, datetime.now(UTC).isoformat(), record_id),
            )
            db.execute("DELETE FROM outbox WHERE id = ?", (record_id,))

    def parked(self) -> list[ParkedRecord]:
        with self._store.transaction() as db:
            rows = db.execute("SELECT * FROM parked ORDER BY seq").fetchall()
        return [
            ParkedRecord(row["id"], row["kind"], row["created_at"], json.loads(row["payload"]), row["error"], row["parked_at"])
            for row in rows
        ]
