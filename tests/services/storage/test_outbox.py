"""The outbox on a real SQLite store: order, confirm, park, refusals, restarts and a power cut mid-write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime

import pytest

from common.paths import PROJECT_ROOT
from common.wire import MAX_RECORD_PAYLOAD_BYTES, Record
from services.storage.outbox import Outbox, OutboxError
from services.storage.store import LocalStore


def test_added_records_come_out_oldest_first_as_valid_wire_records(store):
    outbox = Outbox(store)
    ids = [outbox.add("feedback", {"rating": n, "comment": "很好"}) for n in range(5)]
    assert len(set(ids)) == 5
    batch = outbox.next_batch(3)
    assert [record.id for record in batch] == ids[:3]
    assert [record.payload["rating"] for record in batch] == [0, 1, 2]
    for record in batch:
        wire = Record.model_validate(record.to_wire())
        assert wire.created_at.utcoffset().total_seconds() == 0
    assert outbox.depth() == 5


def test_confirm_removes_only_the_named_ids(store):
    outbox = Outbox(store)
    ids = [outbox.add("checkin", {"n": n}) for n in range(4)]
    assert outbox.confirm([ids[1], ids[3], "00000000-0000-4000-8000-000000000000"]) == 2
    assert [record.id for record in outbox.next_batch(10)] == [ids[0], ids[2]]
    assert outbox.confirm([]) == 0


def test_park_moves_a_record_aside_with_its_error(store):
    outbox = Outbox(store)
    first, second = outbox.add("feedback", {"a": 1}), outbox.add("feedback", {"a": 2})
    outbox.park(first, "payload.a: too small")
    assert [record.id for record in outbox.next_batch(10)] == [second]
    assert (outbox.depth(), outbox.parked_count()) == (1, 1)
    [parked] = outbox.parked()
    assert (parked.id, parked.kind, parked.payload, parked.error) == (first, "feedback", {"a": 1}, "payload.a: too small")
    assert datetime.fromisoformat(parked.parked_at).tzinfo is not None


@pytest.mark.parametrize(
    ("kind", "payload", "message"),
    [
        ("survey", {}, "kind 'survey'"),
        ("feedback", ["not", "an", "object"], "JSON object"),
        ("feedback", {"when": datetime(2024, 1, 1)}, "not JSON"),
        ("feedback", {"x": float("nan")}, "not JSON"),
        ("feedback", {"text": "x" * MAX_RECORD_PAYLOAD_BYTES}, "bytes"),
    ],
)
def test_records_the_server_would_refuse_are_refused_at_once(store, kind, payload, message):
    outbox = Outbox(store)
    with pytest.raises(OutboxError, match=message):
        outbox.add(kind, payload)
    assert outbox.depth() == 0


def test_records_survive_a_restart(data_dir, seed):
    store = LocalStore.open(data_dir / "store.sqlite", seed)
    record_id = Outbox(store).add("checkin", {"event": "salon", "name": "张三"})
    store.close()
    reopened = LocalStore.open(data_dir / "store.sqlite", seed)
    try:
        [record] = Outbox(reopened).next_batch(10)
        assert (record.id, record.payload) == (record_id, {"event": "salon", "name": "张三"})
    finally:
        reopened.close()


def test_store_state_keys_are_set_replaced_and_removed(store):
    assert store.get_state("config_etag") is None
    store.set_state("config_etag", "v1")
    store.set_state("config_etag", "v2")
    assert store.get_state("config_etag") == "v2"
    store.set_state("config_etag", None)
    assert store.get_state("config_etag") is None


def test_store_from_before_the_outbox_gains_its_tables(data_dir, seed):
    path = data_dir / "store.sqlite"
    LocalStore.open(path, seed).close()
    with sqlite3.connect(path) as db:  # back to the schema before the sync tables
        db.executescript("DROP TABLE outbox; DROP TABLE parked; DROP TABLE command_replies; DROP TABLE state;"
                         "DROP TABLE checkin_events; DROP TABLE checkin_keys; DROP TABLE checkin_revoked;"
                         "DROP TABLE checkin_names; DROP TABLE checkin_recent; DROP TABLE checkin_log; DROP TABLE kept;"
                         "PRAGMA user_version = 1;")
    db.close()
    store = LocalStore.open(path, seed)
    try:
        assert store.status().rebuilt_from is None
        assert Outbox(store).add("feedback", {}) and Outbox(store).depth() == 1
    finally:
        store.close()


def test_adds_from_many_threads_all_land_once(store):
    outbox = Outbox(store)
    ids: list[str] = []

    def add_many():
        ids.extend(outbox.add("feedback", {"n": n}) for n in range(50))

    threads = [threading.Thread(target=add_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outbox.depth() == 200
    assert sorted(record.id for record in outbox.next_batch(500)) == sorted(ids)


WRITER = """
import sys
from pathlib import Path
from services.storage.outbox import Outbox
from services.storage.store import LocalStore
store = LocalStore.open(Path(sys.argv[1]), Path(sys.argv[2]))
outbox = Outbox(store)
n = 0
while True:
    record_id = outbox.add("checkin", {"n": n, "note": "x" * 500})
    print(record_id, flush=True)  # the screen would say "done" now
    n += 1
"""


def test_a_power_cut_mid_write_loses_nothing_confirmed(data_dir, seed):
    path = data_dir / "store.sqlite"
    LocalStore.open(path, seed).close()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(seed)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    confirmed = []
    try:
        while len(confirmed) < 300:
            line = writer.stdout.readline()
            assert line, "the writer died before it was killed"
            confirmed.append(line.strip())
    finally:
        writer.send_signal(signal.SIGKILL)  # no cleanup, no close: as sudden as a power cut
        writer.wait()
    store = LocalStore.open(path, seed)
    try:
        assert store.status().ok and store.status().rebuilt_from is None
        stored = {record.id for record in Outbox(store).next_batch(100_000)}
    finally:
        store.close()
    assert set(confirmed) <= stored
