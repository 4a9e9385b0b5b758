"""Sync tests: the real server (tests/server_fixtures.py), a real store in a private data directory,
engines that are always stopped, and polling with generous deadlines."""

from __future__ import annotations

import json
import queue
import random
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import merge_layers, parse_settings, read_settings_document
from services.storage.store import LocalStore
from services.sync.engine import SyncEngine
from services.sync.enrolment import redeem_code
from services.sync.identity import TerminalIdentity, save_identity
from tests.factories import catalogue_data
from tests.sync.relay import Relay

APP_VERSION = "0.1.0-test"
# Generous: the machine is shared and slow; these are deadlines, never expected durations.
DEADLINE = 90.0


# Tests where the database makes no difference to the kiosk run on SQLite only.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def wait_for(condition: Callable[[], object], what: str, deadline: float = DEADLINE,
             nudge: Callable[[], None] | None = None):
    """Poll ``condition`` until it returns something truthy; fail naming ``what`` after the deadline.

    ``nudge`` (e.g. ``engine.sync_now``) is called about once a second meanwhile, so a test need not
    wait out the heartbeat interval.
    """
    end = time.monotonic() + deadline
    next_nudge = time.monotonic()
    while True:
        value = condition()
        if value:
            return value
        now = time.monotonic()
        if now > end:
            pytest.fail(f"timed out after {deadline:.0f} s waiting for {what}")
        if nudge is not None and now >= next_nudge:
            nudge()
            next_nudge = now + 1.0
        time.sleep(0.05)


class Watcher:
    """Collects what an engine puts on its event queue, so tests can wait for an event."""

    def __init__(self, engine: SyncEngine):
        self.engine = engine
        self.seen: list = []

    def drain(self) -> list:
        while True:
            try:
                self.seen.append(self.engine.events.get_nowait())
            except queue.Empty:
                return self.seen

    def of(self, kind: type) -> list:
        return [event for event in self.drain() if isinstance(event, kind)]

    def wait(self, kind: type, what: str, predicate: Callable[[object], bool] = lambda _e: True, deadline=DEADLINE):
        """The first event of ``kind`` matching ``predicate``; the engine is nudged to sync meanwhile."""
        return wait_for(lambda: next((e for e in self.of(kind) if predicate(e)), None), what, deadline,
                        nudge=self.engine.sync_now)

    def wait_state(self, state: str, deadline=DEADLINE, nudge: bool = False):
        def reached():
            status = self.engine.status()
            return status if status.state == state else None

        return wait_for(reached, f"state {state!r} (now {self.engine.status()})", deadline,
                        nudge=self.engine.sync_now if nudge else None)

    def wait_status(self, predicate: Callable, what: str, deadline=DEADLINE):
        """A status matching ``predicate``; the engine is nudged to sync meanwhile."""
        def reached():
            status = self.engine.status()
            return status if predicate(status) else None

        return wait_for(reached, f"{what} (now {self.engine.status()})", deadline, nudge=self.engine.sync_now)


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(catalogue_data(version="seed-1"), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def store(data_dir, seed):
    store = LocalStore.open(data_dir / "store.sqlite", seed)
    yield store
    store.close()


def local_settings(**layer):
    """The bundled settings with ``layer`` merged on top, validated."""
    return parse_settings(merge_layers(read_settings_document(DEFAULT_SETTINGS_FILE), layer), "test settings")


@pytest.fixture
def make_engine(store, data_dir):
    """make_engine(server_url=None, **kwargs) -> a started engine and its Watcher; stopped at the end."""
    engines: list[SyncEngine] = []

    def _make(server_url=None, *, start=True, heartbeat_info=None, **kwargs):
        engine = SyncEngine(
            store=kwargs.pop("store", store),
            data_dir=kwargs.pop("data_dir", data_dir),
            server_url=server_url,
            app_version=APP_VERSION,
            heartbeat_info=heartbeat_info or (lambda: {"current_screen": "home", "peripherals": {"printer": "ok"},
                                                      "in_service": True}),
            rng=random.Random(1),
            **kwargs,
        )
        engines.append(engine)
        if start:
            engine.start()
        return engine, Watcher(engine)

    yield _make
    for engine in engines:
        engine.stop(timeout=30)


@pytest.fixture
def enrolled(live_server, data_dir) -> TerminalIdentity:
    """This terminal enrolled by a one-time code: terminal.json in the data directory."""
    identity = redeem_code(live_server.url, live_server.enrol("T1 大堂 1 号机", "T1 一层大堂东侧"), APP_VERSION)
    save_identity(data_dir, identity)
    return identity


@pytest.fixture
def relay(live_server, enrolled, data_dir):
    """A relay in front of the live server (tests/sync/relay.py); the enrolled terminal reaches the server
    through it."""
    with Relay(live_server.url) as relay:
        save_identity(data_dir, replace(enrolled, server_url=relay.url))
        yield relay


def admin_json(server, method: str, path: str, **kwargs):
    reply = server.admin(method, path, **kwargs)
    assert reply.status_code < 300, f"{method} {path}: {reply.status_code} {reply.text}"
    return reply.json() if reply.content else None


def stored_records(server, terminal_id: int) -> list[dict]:
    return admin_json(server, "GET", f"/admin/records?terminal_id={terminal_id}&limit=5000")
