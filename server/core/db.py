"""Engine and session factory: SQLite (WAL, foreign keys, busy timeout, one writer at a time in the process) or
PostgreSQL through psycopg 3."""

from __future__ import annotations

import os
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Executable, Table, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from server.core import read_cache

# Writers queue this long for SQLite's single write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
_READ_ONLY = "kiosk_read_only"


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
        read_cache.watch_writes(engine)
        return engine
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "factory": _WriteLockedConnection})
    lock = _write_lock(url.database or ":memory:")
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", lambda connection: _begin(connection, lock))
    read_cache.watch_writes(engine)
    return engine


def read_only(engine: Engine) -> Engine:
    """``engine`` for sessions that only read (``sessions(bind=read_only(engine))``): a long read (an alert round,
    a report) then holds up no writer. On SQLite its transactions begin DEFERRED, without the write lock (the
    write-ahead log lets readers and the writer run side by side); on PostgreSQL they are READ ONLY. A write in
    one fails."""
    return engine.execution_options(**{_READ_ONLY: True, "postgresql_readonly": True})


class WriteLockTimeout(TimeoutError):
    """Another transaction of this process held the SQLite database for longer than the busy timeout."""


class _WriteLockedConnection(sqlite3.Connection):
    """A SQLite connection that hands the process's write lock on once its COMMIT or ROLLBACK has returned.

    SQLAlchemy's commit and rollback events come before the statement: released there, the lock let the next
    transaction's BEGIN IMMEDIATE run into SQLite's busy handler (sleeps of up to 100 ms) while the COMMIT was
    still syncing the write-ahead log to disk.
    """

    write_lock: threading.Lock | None = None
    reading_only = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.transaction_ended()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.transaction_ended()

    def transaction_ended(self) -> None:
        """Give the write lock back, or leave read-only mode (``read_only``)."""
        if self.reading_only:
            self.reading_only = False
            self.execute("PRAGMA query_only=0")
        lock, self.write_lock = self.write_lock, None
        if lock is not None:
            lock.release()


_write_locks: dict[str, threading.Lock] = {}
_write_locks_guard = threading.Lock()


def _write_lock(database: str) -> threading.Lock:
    """The one lock of a database file in this process, whichever engine opens it (the app's, a periodic job's)."""
    key = database if database == ":memory:" else os.path.realpath(database)
    with _write_locks_guard:
        return _write_locks.setdefault(key, threading.Lock())


def dialect_insert(db: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT into ``table`` (a mapped class's table) in the session's dialect, for its ON CONFLICT clauses (both
    dialects have them). Into the Core table, not the class: with a list of rows the ORM's bulk path collects
    every column of every row in Python first (about a quarter of a record batch's CPU)."""
    table = getattr(table, "__table__", table)
    if db.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def adding_upsert(db: Session, table: Any, keys: tuple[str, ...], added: tuple[str, ...]) -> Executable:
    """INSERT into ``table`` … ON CONFLICT (``keys``) DO UPDATE SET each of ``added`` = its value + the new row's:
    counters summed in the database, whichever transaction comes first. Executed with the rows as parameters."""
    return _adding_upsert(db.get_bind().dialect.name, getattr(table, "__table__", table), keys, added)


@lru_cache(maxsize=64)
def _adding_upsert(dialect: str, table: Table, keys: tuple[str, ...], added: tuple[str, ...]) -> Executable:
    # Built once: a statement made anew for each batch is traversed again for its cache key, for every batch.
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return insert.on_conflict_do_update(index_elements=list(keys),
                                        set_={column: table.c[column] + insert.excluded[column] for column in added})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # SQLAlchemy emits BEGIN itself (below); the driver's own deferred BEGIN would come too late.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # synchronous=FULL: a confirmed commit survives a power cut.
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin(connection, lock: threading.Lock) -> None:
    # Every transaction but a read-only one takes SQLite's write lock up front: a deferred one that reads and then writes
    # would fail at once with SQLITE_BUSY. The process's own threads queue on a lock of ours first, woken as soon
    # as it is free; SQLite's busy handler, which the other processes (CLI, backups) still meet, sleeps and polls
    # (up to 100 ms a try), which made the p99 of a busy server.
    dbapi_connection = connection.connection.dbapi_connection
    if connection.get_execution_options().get(_READ_ONLY):
        dbapi_connection.execute("PRAGMA query_only=1")
        dbapi_connection.reading_only = True
        connection.exec_driver_sql("BEGIN")
        return
    if not lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        raise WriteLockTimeout(f"the database stayed busy for {SQLITE_BUSY_TIMEOUT_MS // 1000} s")
    dbapi_connection.write_lock = lock
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        dbapi_connection.transaction_ended()
        raise
