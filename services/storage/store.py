"""The terminal's local store: one SQLite file (WAL) in the data directory.

It holds the catalogue the kiosk shows, with its version stamp, so the kiosk
works offline, and what the sync engine keeps between runs: the outbox
(``services.storage.outbox``), commands' replies waiting to be sent, and a small
key-value ``state`` table (etags, pairing code, last good remote settings), the records the server confirmed
(kept a while, ``services.storage.kept``); and for event check-in the
server's bundle and this terminal's scans (``services.checkin.bundle_store``).
A store that is missing, unreadable or corrupt is moved aside and rebuilt from
the bundled seed catalogue, with a logged warning, never a crash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from common.catalogue import Catalogue, CatalogueError, load_catalogue, parse_catalogue
from common.settings import KioskSettings, SettingsError, parse_settings

log = logging.getLogger(__name__)

# State keys of the last good settings from the server and their config version.
REMOTE_SETTINGS_KEY = "remote_settings"
REMOTE_SETTINGS_VERSION_KEY = "remote_settings_version"

# Each entry upgrades the schema by one version; user_version records how far a file got.
_MIGRATIONS = (
    """
    CREATE TABLE catalogue (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        source TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        document TEXT NOT NULL
    );
    """,
    # The sync engine's tables. Records leave ``outbox`` only when the server confirmed them;
    # ``parked`` holds the ones it refused, with its reason.
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE TABLE parked (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        error TEXT NOT NULL,
        parked_at TEXT NOT NULL
    );
    CREATE TABLE command_replies (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        command_id INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('result', 'screenshot')),
        body BLOB NOT NULL
    );
    CREATE TABLE state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # Event check-in (services/checkin): the server's bundle, replaced whole, and this terminal's own scans.
    # Keyed by ticket id, so each scan's lookups are index hits however many tickets an event has.
    """
    CREATE TABLE checkin_events (
        id INTEGER PRIMARY KEY,
        document TEXT NOT NULL
    );
    CREATE TABLE checkin_keys (
        key_id INTEGER PRIMARY KEY,
        public_key BLOB NOT NULL
    );
    CREATE TABLE checkin_revoked (
        ticket_id INTEGER PRIMARY KEY
    );
    CREATE TABLE checkin_names (
        ticket_id INTEGER PRIMARY KEY,
        sealed TEXT NOT NULL
    );
    CREATE TABLE checkin_recent (
        ticket_id INTEGER NOT NULL,
        scanned_at TEXT NOT NULL,
        terminal_name TEXT NOT NULL
    );
    CREATE INDEX checkin_recent_ticket ON checkin_recent (ticket_id, scanned_at);
    CREATE TABLE checkin_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id TEXT NOT NULL UNIQUE,
        ticket_id INTEGER NOT NULL,
        event_id INTEGER NOT NULL,
        scanned_at TEXT NOT NULL,
        accepted INTEGER NOT NULL CHECK (accepted IN (0, 1))
    );
    CREATE INDEX checkin_log_ticket ON checkin_log (ticket_id, accepted, scanned_at);
    """,
    # Records the server confirmed, kept a while (services/storage/kept.py) so that a server restored from a
    # backup can have them again; personal fields only sealed to the server.
    """
    CREATE TABLE kept (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        confirmed_at TEXT NOT NULL
    );
    CREATE INDEX kept_confirmed ON kept (confirmed_at);
    """,
    # Uploaded logs (the upload_logs command) wait in command_replies too: SQLite alters a CHECK only by copying.
    """
    CREATE TABLE command_replies_new (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        command_id INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('result', 'screenshot', 'logs')),
        body BLOB NOT NULL
    );
    INSERT INTO command_replies_new SELECT seq, command_id, kind, body FROM command_replies;
    DROP TABLE command_replies;
    ALTER TABLE command_replies_new RENAME TO command_replies;
    """,
)


@dataclass(frozen=True)
class StoreStatus:
    path: Path
    ok: bool
    schema_version: int
    catalogue_version: str
    catalogue_source: str
    catalogue_imported_at: str
    service_count: int
    size_bytes: int
    rebuilt_from: Path | None  # where a corrupt file was moved to at open, if it was


class StoreError(RuntimeError):
    pass


class LocalStore:
    """Open with ``LocalStore.open(path, seed)``; safe to share between threads."""

    def __init__(self, path: Path, connection: sqlite3.Connection, rebuilt_from: Path | None):
        self.path = path
        self._db = connection
        # Re-entrant: status() reads the row and the parsed catalogue as one consistent pair.
        self._lock = threading.RLock()
        self._rebuilt_from = rebuilt_from
        self._catalogue: Catalogue | None = None

    @classmethod
    def open(cls, path: Path, seed: Path) -> LocalStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return cls._open(path, seed, rebuilt_from=None)
        except sqlite3.DatabaseError as exc:
            moved_to = _move_aside(path)
            log.warning("local store %s is unreadable (%s); moved to %s and rebuilt", path, exc, moved_to)
            return cls._open(path, seed, rebuilt_from=moved_to)

    @classmethod
    def _open(cls, path: Path, seed: Path, rebuilt_from: Path | None) -> LocalStore:
        store = cls(path, _connect_checked(path), rebuilt_from)
        try:
            store._ensure_catalogue(seed)
        except sqlite3.DatabaseError:
            store.close()
            raise
        return store

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- catalogue -------------------------------------------------------------------------------

    def catalogue(self) -> Catalogue:
        with self._lock:
            if self._catalogue is None:
                row = self._fetch_catalogue_row()
                if row is None:
                    raise StoreError(f"{self.path}: no catalogue stored")
                self._catalogue = parse_catalogue(json.loads(row["document"]), f"{self.path} (stored catalogue)")
            return self._catalogue

    def replace_catalogue(self, catalogue: Catalogue, source: str) -> None:
        """Atomically swap in a new catalogue: readers see the old one or the new one, never a mix."""
        document = catalogue.model_dump_json()
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO catalogue (id, version, sha256, source, imported_at, document)"
                " VALUES (1, ?, ?, ?, ?, ?)",
                (
                    catalogue.version,
                    hashlib.sha256(document.encode()).hexdigest(),
                    source,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    document,
                ),
            )
            self._catalogue = catalogue

    def status(self) -> StoreStatus:
        with self._lock:
            row = self._fetch_catalogue_row()
            service_count = len(self.catalogue().services) if row else 0
            schema_version = self._db.execute("PRAGMA user_version").fetchone()[0]
            ok = self._db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        return StoreStatus(
            path=self.path,
            ok=ok,
            schema_version=schema_version,
            catalogue_version=row["version"] if row else "",
            catalogue_source=row["source"] if row else "",
            catalogue_imported_at=row["imported_at"] if row else "",
            service_count=service_count,
            size_bytes=sum(p.stat().st_size for p in _store_files(self.path) if p.exists()),
            rebuilt_from=self._rebuilt_from,
        )

    # -- sync state ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection under the store's lock; committed (synchronous=FULL) when the block ends
        without an error, rolled back otherwise."""
        with self._lock, self._db:
            yield self._db

    def get_state(self, key: str) -> str | None:
        with self.transaction() as db:
            row = db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_state(self, key: str, value: str | None) -> None:
        """Store ``value`` under ``key``; ``None`` removes the key."""
        with self.transaction() as db:
            if value is None:
                db.execute("DELETE FROM state WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, value))

    def remote_settings(self) -> KioskSettings | None:
        """The last good settings the server sent, or None when it never sent any."""
        document = self.get_state(REMOTE_SETTINGS_KEY)
        if document is None:
            return None
        try:
            return parse_settings(json.loads(document), f"{self.path} (stored remote settings)")
        except (SettingsError, json.JSONDecodeError) as exc:
            # Stored by another kiosk version whose model differed: fall back to the local file.
            log.warning("stored remote settings are unusable: %s", exc)
            return None

    def remote_settings_version(self) -> int | None:
        version = self.get_state(REMOTE_SETTINGS_VERSION_KEY)
        return int(version) if version is not None else None

    def save_remote_settings(self, settings: KioskSettings, version: int) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)",
                ((REMOTE_SETTINGS_KEY, settings.model_dump_json()), (REMOTE_SETTINGS_VERSION_KEY, str(version))),
            )

    # -- internals -------------------------------------------------------------------------------

    def _fetch_catalogue_row(self) -> sqlite3.Row | None:
        with self._lock:
            return self._db.execute("SELECT * FROM catalogue WHERE id = 1").fetchone()

    def _ensure_catalogue(self, seed: Path) -> None:
        try:
            if self._fetch_catalogue_row() is not None:
                self.catalogue()
                return
            log.info("local store %s has no catalogue; importing the bundled sample %s", self.path, seed)
        except (CatalogueError, json.JSONDecodeError) as exc:
            log.warning("stored catalogue in %s is unusable (%s); re-importing %s", self.path, exc, seed)
        self.replace_catalogue(load_catalogue(seed), source=f"seed:{seed.name}")


def _connect_checked(path: Path) -> sqlite3.Connection:
    """Open, verify and migrate; raises sqlite3.DatabaseError for a file that is not a sound database."""
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level="DEFERRED")
    try:
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        # FULL: a power cut right after a write never loses what the screen already confirmed.
        connection.execute("PRAGMA synchronous=FULL")
        # Deleted rows are overwritten, not left in free pages: a confirmed record's clear phone leaves the file
        # once only its sealed kept copy remains.
        connection.execute("PRAGMA secure_delete=ON")
        result = connection.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {result}")
        _migrate(connection)
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def _migrate(connection: sqlite3.Connection) -> None:
    current = connection.execute("PRAGMA user_version").fetchone()[0]
    if current > len(_MIGRATIONS):
        raise sqlite3.DatabaseError(f"schema version {current} is newer than this kiosk knows ({len(_MIGRATIONS)})")
    for version in range(current, len(_MIGRATIONS)):
        with connection:
            connection.executescript(_MIGRATIONS[version])
            connection.execute(f"PRAGMA user_version = {version + 1}")


def _store_files(path: Path) -> tuple[Path, ...]:
    return path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _move_aside(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for file in _store_files(path):
        if file.exists():
            file.rename(target.with_name(target.name + file.name.removeprefix(path.name)))
    return target
