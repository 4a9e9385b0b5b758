"""Engine and session factory: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL through psycopg 3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

# Writers queue this long for SQLite's single write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def dialect_insert(db: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT into ``table`` in the session's dialect, for its ON CONFLICT clauses (both dialects have them)."""
    if db.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


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


def _begin_immediate(connection) -> None:
    # Taking the write lock up front makes concurrent writers wait on busy_timeout; a deferred
    # transaction that reads and then writes would fail at once with SQLITE_BUSY instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
