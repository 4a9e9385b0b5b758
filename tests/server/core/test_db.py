"""The SQLite engine's one writer at a time: threads of one process queue on the process's lock, never on
SQLite's busy handler; read-only sessions stay out of that queue."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from server.core import db as db_module
from server.core.db import make_engine, make_session_factory, read_only

THREADS = 6
TRANSACTIONS = 40


def test_concurrent_writers_never_meet_sqlite_busy_handler(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.sqlite'}")

    # Without a busy timeout a BEGIN IMMEDIATE that meets another connection's unfinished COMMIT fails at once
    # ("database is locked"): the lock must only pass on once the COMMIT has returned.
    @event.listens_for(engine, "connect")
    def no_busy_wait(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    sessions = make_session_factory(engine)
    with sessions() as db:
        db.execute(text("CREATE TABLE counted (thread INTEGER, n INTEGER)"))
        db.commit()
    failures: list[BaseException] = []

    def write(thread: int) -> None:
        try:
            for n in range(TRANSACTIONS):
                with sessions() as db:
                    db.execute(text("INSERT INTO counted VALUES (:t, :n)"), {"t": thread, "n": n})
                    db.commit()
                with sessions() as db:  # a failed transaction hands the lock on too
                    db.execute(text("INSERT INTO counted VALUES (:t, -1)"), {"t": thread})
                    db.rollback()
        except BaseException as exc:  # noqa: BLE001  (reported below, with the thread's count)
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with sessions() as db:
        assert db.scalar(text("SELECT count(*) FROM counted")) == THREADS * TRANSACTIONS
        assert db.scalar(text("SELECT count(*) FROM counted WHERE n < 0")) == 0
    engine.dispose()


def test_a_read_only_session_holds_up_no_writer_and_cannot_write(tmp_path, monkeypatch):
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 2000)  # a wait for the lock fails in 2 s, not 30
    engine = make_engine(f"sqlite:///{tmp_path / 'reading.sqlite'}")
    sessions = make_session_factory(engine)
    with sessions() as db:
        db.execute(text("CREATE TABLE notes (body TEXT)"))
        db.commit()
    with sessions(bind=read_only(engine)) as reading:
        assert reading.scalar(text("SELECT count(*) FROM notes")) == 0  # its transaction is open from here
        with sessions() as writing:  # the same thread: a wait for the write lock would never end
            writing.execute(text("INSERT INTO notes VALUES ('written while a report reads')"))
            writing.commit()
        assert reading.scalar(text("SELECT count(*) FROM notes")) == 0  # its snapshot
        with pytest.raises(OperationalError, match="readonly"):
            reading.execute(text("INSERT INTO notes VALUES ('from the report')"))
    for _ in range(3):  # every pooled connection writable again
        with sessions() as db:
            db.execute(text("INSERT INTO notes VALUES ('later')"))
            db.commit()
    with sessions() as db:
        assert db.scalar(text("SELECT count(*) FROM notes")) == 4
    engine.dispose()
