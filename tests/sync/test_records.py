"""The outbox drained to the real server (SQLite and PostgreSQL): every record stored exactly once, whatever
happens to the server or the answers on the way back; refused records parked, never blocking the queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from services.storage.outbox import Outbox
from services.sync.api import ServerApi
from tests.sync.conftest import admin_json, stored_records, wait_for

RECORDS = "/api/v1/terminal/records"


def _queue(store, count: int, start: int = 0) -> list[str]:
    outbox = Outbox(store)
    return [outbox.add(("checkin", "feedback", "diagnostic")[n % 3], {"n": n, "text": "访客留言 " * 5})
            for n in range(start, start + count)]


def _drained(engine, watcher):
    return watcher.wait_status(lambda s: s.outbox_depth == 0 and s.state == "online", "the outbox to drain")


def _assert_stored_once(server, terminal_id: int, ids: list[str]) -> None:
    stored = [record["id"] for record in stored_records(server, terminal_id)]
    assert len(stored) == len(set(stored)), "a record was stored twice"
    assert set(stored) == set(ids)


def _batch_size(server, terminal_id: int, size: int) -> None:
    admin_json(server, "PUT", f"/admin/config/terminals/{terminal_id}", json={"settings": {"sync": {"batch_size": size}}})


def test_records_are_stored_exactly_once_with_their_content(live_server, enrolled, make_engine, store):
    ids = _queue(store, 250)
    engine, watcher = make_engine(None)
    _drained(engine, watcher)
    _assert_stored_once(live_server, enrolled.terminal_id, ids)
    stored = {r["id"]: r for r in stored_records(live_server, enrolled.terminal_id)}
    assert stored[ids[4]]["kind"] == "feedback" and stored[ids[4]]["payload"] == {"n": 4, "text": "访客留言 " * 5}


@pytest.mark.server_process
def test_a_server_killed_after_storing_a_batch_gets_it_again_and_stores_it_once(live_server, enrolled, relay,
                                                                                make_engine, store):
    _batch_size(live_server, enrolled.terminal_id, 20)
    engine, watcher = make_engine(None)
    watcher.wait_state("online")  # the batch size is in force now
    batches = []

    def die_after_the_third(answer):
        batches.append(answer.status_code)
        if len(batches) == 3:
            live_server.kill()  # the batch is committed, the answer never leaves
            return True
        return False

    relay.hang_ups[RECORDS] = die_after_the_third
    ids = _queue(store, 200)
    engine.sync_now()
    status = watcher.wait_state("offline")
    assert 0 < status.outbox_depth <= 200 - 40  # two confirmed batches left; the third is still queued
    assert relay.count("POST", RECORDS, 0) == 1
    live_server.start()
    _drained(engine, watcher)
    _assert_stored_once(live_server, enrolled.terminal_id, ids)


@pytest.mark.server_process
def test_a_server_killed_at_any_moment_of_a_drain_loses_and_doubles_nothing(live_server, enrolled, make_engine, store):
    _batch_size(live_server, enrolled.terminal_id, 25)
    engine, watcher = make_engine(None)
    watcher.wait_state("online")
    ids = _queue(store, 1500)
    engine.sync_now()
    wait_for(lambda: engine.status().outbox_depth < 1400, "the drain to be under way")
    live_server.kill()
    watcher.wait_state("offline")
    ids += _queue(store, 100, start=1500)  # visitors go on while the server is down
    live_server.start()
    _drained(engine, watcher)
    _assert_stored_once(live_server, enrolled.terminal_id, ids)


def test_a_server_stopped_for_a_while_finds_the_queue_grown_then_drained(live_server, enrolled, make_engine, store):
    engine, watcher = make_engine(None)
    ids = _queue(store, 10)
    _drained(engine, watcher)
    live_server.stop()
    status = watcher.wait_state("offline", nudge=True)
    assert status.offline_since is not None
    for count in range(1, 4):
        ids += _queue(store, 5, start=100 * count)
        engine.sync_now()
        watcher.wait_status(lambda s, count=count: s.outbox_depth == 5 * count and s.state == "offline", "the queue to grow")
    live_server.start()
    status = _drained(engine, watcher)
    assert status.offline_since is None and status.last_error == ""
    _assert_stored_once(live_server, enrolled.terminal_id, ids)


def test_a_batch_delivered_twice_is_stored_once(live_server, enrolled, make_engine, store):
    ids = _queue(store, 30)
    api = ServerApi(live_server.url, enrolled.token)
    batch = [record.to_wire() for record in Outbox(store).next_batch(30)]
    first = api.push_records(batch)  # delivered, but the kiosk never heard back
    again = api.push_records(batch)
    api.close()
    assert sorted(first.accepted) == sorted(ids) and first.duplicates == [] and first.rejected == []
    assert again.accepted == [] and sorted(again.duplicates) == sorted(ids)
    engine, watcher = make_engine(None)  # still queued here: sent a third time, confirmed as duplicates
    _drained(engine, watcher)
    _assert_stored_once(live_server, enrolled.terminal_id, ids)


def test_a_record_the_server_rejects_is_parked_and_the_rest_go_on(live_server, enrolled, make_engine, store):
    ids = _queue(store, 5)
    with store.transaction() as db:  # written by a newer kiosk version, with a kind this server does not know
        db.execute("INSERT INTO outbox (id, kind, created_at, payload) VALUES (?, ?, ?, ?)",
                   ("0b9c5a4e-6a3f-4b8e-9f3e-1c2d3e4f5a6b", "survey", datetime.now(UTC).isoformat(),
                    json.dumps({"q": 1})))
    ids += _queue(store, 5, start=5)
    engine, watcher = make_engine(None)
    status = _drained(engine, watcher)
    assert status.parked_count == 1
    [parked] = Outbox(store).parked()
    assert parked.id == "0b9c5a4e-6a3f-4b8e-9f3e-1c2d3e4f5a6b" and "kind" in parked.error
    _assert_stored_once(live_server, enrolled.terminal_id, ids)
    wait_for(lambda: admin_json(live_server, "GET", f"/admin/terminals/{enrolled.terminal_id}")["parked_count"] == 1,
             "the heartbeat to report the parked record", nudge=engine.sync_now)


def test_a_batch_too_large_for_the_way_in_is_split_until_it_passes(live_server, enrolled, relay, make_engine, store):
    relay.max_body_bytes = 12_000  # a reverse proxy's body limit in front of the server
    ids = _queue(store, 60)  # about 250 bytes each: a batch of 100 is far over the limit
    big = Outbox(store).add("feedback", {"text": "x" * 15_000})  # over the limit even on its own
    ids += _queue(store, 10, start=60)
    engine, watcher = make_engine(None)
    status = _drained(engine, watcher)
    assert status.parked_count == 1
    [parked] = Outbox(store).parked()
    assert parked.id == big and "413" in parked.error
    _assert_stored_once(live_server, enrolled.terminal_id, ids)
    assert relay.count("POST", RECORDS, 413) >= 2
