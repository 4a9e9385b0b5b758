"""Telling waiting terminals that something changed for them (a command queued, their configuration), at once.

``announce(db, terminal_id)`` inside the transaction that made the change; when it commits, every server process
on the database hears of it: PostgreSQL through NOTIFY (sent at commit, to every process that LISTENs: each has
one listening connection), SQLite (one process) straight after the commit. A terminal's long poll waits on its
process's ``PushHub``; waiting costs an asyncio event, no thread and no database connection.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import event, func, make_url, select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "kiosk_push"
_EVERYONE = "*"
_RECONNECT_SECONDS = 2.0


def announce(db: Session, terminal_id: int | None) -> None:
    """Tell ``terminal_id`` (None: every terminal) to come and look, once ``db`` commits."""
    payload = _EVERYONE if terminal_id is None else str(terminal_id)
    bind = db.get_bind()
    if bind.dialect.name == "postgresql":
        db.execute(select(func.pg_notify(CHANNEL, payload)))  # delivered at commit, not at all on rollback
        return
    hub = hub_for(bind.engine.url.render_as_string(hide_password=False))
    event.listen(db, "after_commit", lambda _session: hub.notify(payload), once=True)


class PushHub:
    """One per database in a process: the terminals waiting here, and (PostgreSQL) the listening connection."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self._postgres = url.get_backend_name() == "postgresql"
        self._conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._lock = threading.Lock()
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}
        # A daemon thread for the life of the process.
        self._listener: threading.Thread | None = None
        self.listening = threading.Event()

    def notify(self, payload: str) -> None:
        """Wake the waiters of one terminal (its id as text), or all of them ("*"); from any thread."""
        with self._lock:
            if payload == _EVERYONE:
                waiters = [waiter for waiting in self._waiters.values() for waiter in waiting]
            else:
                waiters = list(self._waiters.get(payload, ()))
        for loop, changed in waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(changed.set)

    @contextmanager
    def subscription(self, terminal_id: int) -> Iterator[asyncio.Event]:
        """An event set when something changes for ``terminal_id``; subscribe first, then look, then wait."""
        self._start_listening()
        changed = asyncio.Event()
        waiter = (asyncio.get_running_loop(), changed)
        key = str(terminal_id)
        with self._lock:
            self._waiters.setdefault(key, set()).add(waiter)
        try:
            yield changed
        finally:
            with self._lock:
                waiting = self._waiters.get(key, set())
                waiting.discard(waiter)
                if not waiting:
                    self._waiters.pop(key, None)

    def waiting(self) -> int:
        with self._lock:
            return sum(len(waiting) for waiting in self._waiters.values())

    def _start_listening(self) -> None:
        if not self._postgres:
            return
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, name="push-listener", daemon=True)
                self._listener.start()

    def _listen(self) -> None:
        while True:
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    # Whatever was announced while no one listened: every waiter looks again.
                    self.notify(_EVERYONE)
                    while True:
                        for notice in connection.notifies(timeout=1.0):
                            self.notify(notice.payload)
            except psycopg.Error as exc:
                self.listening.clear()
                log.warning("push: listening on PostgreSQL failed (%s); again in %.0f s", exc, _RECONNECT_SECONDS)
                time.sleep(_RECONNECT_SECONDS)


_hubs: dict[str, PushHub] = {}
_hubs_guard = threading.Lock()


def hub_for(database_url: str) -> PushHub:
    """This process's hub for the database (every app and job of the process on it shares it)."""
    key = make_url(database_url).render_as_string(hide_password=False)
    with _hubs_guard:
        hub = _hubs.get(key)
        if hub is None:
            hub = _hubs[key] = PushHub(key)
        return hub
