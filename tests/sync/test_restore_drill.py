"""The restore drill (SQLite and PostgreSQL): terminals send while a backup is taken and after it, the database is
lost, restored from the copy and served again — and every record any terminal ever had confirmed is on the server
exactly once, personal fields included (the terminals kept them sealed)."""

from __future__ import annotations

import json
import random
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from common.wire import CheckinRecord, FeedbackRecord
from server.backups.resend import pending_terminals
from server.core.db import make_engine, make_session_factory
from services.storage.outbox import Outbox
from services.storage.store import LocalStore
from services.sync.enrolment import redeem_code
from services.sync.identity import save_identity
from tests.sync.conftest import APP_VERSION, admin_json, stored_records, wait_for

TERMINALS = 2
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _feedback(rng: random.Random) -> dict:
    tracking = "F261204-" + "".join(rng.choice(CROCKFORD) for _ in range(8))
    return FeedbackRecord(tracking_number=tracking, check_code=f"{rng.randrange(10**6):06d}", category="service",
                          rating=rng.randint(1, 5), text="窗口服务很好", phone=f"139{rng.randrange(10**8):08d}",
                          consent=True, submitted_at=datetime.now(UTC)).model_dump(mode="json")


def _scan(rng: random.Random) -> dict:
    """A scan the terminal refused offline (a made-up ticket): its text is what the kept copy must seal."""
    return CheckinRecord(code=f"LK:NOT-A-TICKET-{rng.randrange(10**9)}", scanned_at=datetime.now(UTC),
                         nonce=f"{rng.randrange(10**12):x}", verdict="forged", mode="offline").model_dump(mode="json")


class Terminal:
    """A terminal of the drill: its own data directory, store, outbox and running sync engine."""

    def __init__(self, server, number: int, root: Path, seed: Path, make_engine) -> None:
        self.data_dir = root / f"terminal-{number}"
        self.data_dir.mkdir()
        self.store = LocalStore.open(self.data_dir / "store.sqlite", seed)
        self.identity = redeem_code(server.url, server.enrol(f"T{number} 大堂", "一层大堂"), APP_VERSION)
        save_identity(self.data_dir, self.identity)
        self.outbox = Outbox(self.store)
        self.rng = random.Random(number)
        self.made: dict[str, dict] = {}
        self.engine, self.watcher = make_engine(None, store=self.store, data_dir=self.data_dir)

    def create(self, count: int) -> None:
        for n in range(count):
            if n % 3 == 0:
                payload, kind = _feedback(self.rng), "feedback"
            elif n % 3 == 1:
                payload, kind = _scan(self.rng), "checkin"
            else:
                payload, kind = {"n": n, "note": "diagnostic"}, "diagnostic"
            self.made[self.outbox.add(kind, payload)] = payload
        self.engine.sync_now()

    def drained(self) -> None:
        self.watcher.wait_status(lambda s: s.outbox_depth == 0 and s.state == "online", "the outbox to drain")


def _lose_database(server, database_url: str, request) -> None:
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            file.unlink(missing_ok=True)
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


@pytest.mark.server_process
@pytest.mark.postgresql
def test_a_restore_loses_nothing_any_terminal_had_confirmed(live_server, database_url, make_engine, seed, tmp_path,
                                                            request):
    admin_json(live_server, "PUT", "/admin/config/defaults", json={"settings": {"sync": {"heartbeat_seconds": 5}}})
    terminals = [Terminal(live_server, n, tmp_path, seed, make_engine) for n in range(1, TERMINALS + 1)]
    for terminal in terminals:
        terminal.create(30)
    for terminal in terminals:
        terminal.drained()

    # Terminals keep sending while the copy is made.
    sending = [threading.Thread(target=terminal.create, args=(40,)) for terminal in terminals]
    for thread in sending:
        thread.start()
    backups = tmp_path / "backups"
    made = live_server.run_cli("backup", str(backups))
    for thread in sending:
        thread.join()
    assert "backup made" in made.stdout
    [copy] = backups.iterdir()
    for terminal in terminals:
        terminal.create(25)  # after the backup
    for terminal in terminals:
        terminal.drained()
    for terminal in terminals:
        assert {r["id"] for r in stored_records(live_server, terminal.identity.terminal_id)} == set(terminal.made)

    live_server.kill()
    _lose_database(live_server, database_url, request)
    restored = live_server.run_cli("restore", str(copy))
    assert "restored the backup taken at" in restored.stdout
    assert restored.stderr == ""  # the secrets are where they were: nothing will fail
    live_server.start()
    live_server.admin_token = live_server.login()

    for terminal in terminals:
        def complete(terminal=terminal):
            stored = stored_records(live_server, terminal.identity.terminal_id)
            return stored if {r["id"] for r in stored} == set(terminal.made) else None

        stored = wait_for(complete, f"terminal {terminal.identity.terminal_id}'s records after the restore",
                          nudge=terminal.engine.sync_now)
        assert len(stored) == len(terminal.made), "a record was stored twice"
        # What came back from the kept copies carries the phone the visitor typed and the ticket text scanned,
        # opened from their seal.
        assert all(record["payload"] == terminal.made[record["id"]] for record in stored)
    # Each terminal said it re-sent; the server stops asking.
    wait_for(lambda: _awaiting_resend(database_url) == 0, "every terminal to report its re-send",
             nudge=lambda: [t.engine.sync_now() for t in terminals])


def _awaiting_resend(database_url: str) -> int:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            return pending_terminals(db)
    finally:
        engine.dispose()


def test_the_kept_copies_hold_no_phone_in_clear(live_server, make_engine, seed, tmp_path):
    terminal = Terminal(live_server, 1, tmp_path, seed, make_engine)
    terminal.create(6)
    terminal.drained()
    phones = [payload["phone"] for payload in terminal.made.values() if "phone" in payload]
    codes = [payload["code"] for payload in terminal.made.values() if "code" in payload]
    assert phones
    with terminal.store.transaction() as db:
        kept = [json.loads(row[0]) for row in db.execute("SELECT payload FROM kept")]
    assert len(kept) == 6 and len(phones) == len(codes) == 2
    sealed = [payload for payload in kept if "sealed_fields" in payload]
    assert len(sealed) == 4 and all("phone" not in payload and "code" not in payload for payload in kept)
    assert not any(value in json.dumps(kept) for value in phones + codes)


@pytest.fixture(autouse=True)
def _no_copies_left(tmp_path):
    yield
    shutil.rmtree(tmp_path / "backups", ignore_errors=True)
