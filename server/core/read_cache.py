"""Reads of tables that rarely change (the catalogue's tag, the building-matters board's and the wish wall's
counts, the ticket keys, the configuration layers), kept in the process between requests.

Every heartbeat asks for all of them: a fleet of 1,000 terminals 33 times a second, about half of a heartbeat's
statements. A kept value is read again once a transaction of this process that wrote to one of its tables
commits (``watch_writes`` follows every statement of an engine), and at least every ``MAX_AGE_SECONDS`` for
writes it cannot see: other server processes on PostgreSQL, the CLI, a restore. A terminal therefore learns of
such a change at most that much later, on its 30 s heartbeat.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

MAX_AGE_SECONDS = 1.0
_WRITTEN_INFO = "kiosk_written_tables"

T = TypeVar("T")

# Table name -> commits that wrote to it, in this process (any engine: the app's, a periodic job's, the CLI's).
_generations: Counter[str] = Counter()
# Engine -> name -> (read at, the generations of its tables then, value). Weak: an app's engine goes with it.
_values: weakref.WeakKeyDictionary[Engine, dict[str, tuple[float, tuple[int, ...], Any]]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def cached_read(db: Session, name: str, tables: tuple[str, ...], read: Callable[[], T]) -> T:
    """``read()``'s value, kept under ``name`` for the session's engine while ``tables`` are not written to.
    The value is shared by every request of the process: immutable values only (tuples, strings)."""
    bind = db.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    now = time.monotonic()
    with _lock:
        # The generations are taken before reading: a commit during the read leaves the value marked outdated.
        generations = tuple(_generations[table] for table in tables)
        kept = _values.setdefault(engine, {}).get(name)
    if kept is not None and kept[1] == generations and now - kept[0] < MAX_AGE_SECONDS:
        return kept[2]
    value = read()
    with _lock:
        _values[engine][name] = (now, generations, value)
    return value


def watch_writes(engine: Engine) -> None:
    """Count the commits of ``engine``'s transactions per table they wrote to (INSERT, UPDATE, DELETE, whether
    from the ORM's flush or a Core statement)."""
    event.listen(engine, "after_execute", _note_written)
    event.listen(engine, "commit", _count_commit)
    event.listen(engine, "rollback", _forget_written)


def _note_written(connection, statement, *_args) -> None:
    if getattr(statement, "is_dml", False):
        connection.info.setdefault(_WRITTEN_INFO, set()).add(statement.table.name)


def _count_commit(connection) -> None:
    written = connection.info.pop(_WRITTEN_INFO, None)
    if written:
        with _lock:
            _generations.update(written)


def _forget_written(connection) -> None:
    connection.info.pop(_WRITTEN_INFO, None)
