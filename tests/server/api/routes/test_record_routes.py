"""Records over real HTTP: idempotent batches, one bad record rejected alone, concurrent duplicates stored once."""

from __future__ import annotations

import threading

import pytest
import requests

from common.wire import MAX_RECORD_PAYLOAD_BYTES
from tests.live_server import start_server
from tests.server.calls import Terminal, enrolled_terminal, record, redeem, wait_for

pytestmark = pytest.mark.postgresql  # the dialect matters: idempotent inserts (ON CONFLICT) and concurrent batches

ROUNDS = 5


def _send(terminal, records):
    return terminal.call("POST", "/terminal/records", json={"records": records})


def _stored(server, **params) -> list[dict]:
    reply = server.admin("GET", "/admin/records", params=params)
    reply.raise_for_status()
    return reply.json()


def test_a_batch_sent_twice_is_stored_once(live_server):
    terminal = enrolled_terminal(live_server)
    batch = [record("feedback", rating=4), record("checkin", event="salon", name="张三"), record("diagnostic")]
    ids = [r["id"] for r in batch]
    first = _send(terminal, batch).json()
    assert (sorted(first["accepted"]), first["duplicates"], first["rejected"]) == (sorted(ids), [], [])
    second = _send(terminal, batch).json()
    assert (second["accepted"], sorted(second["duplicates"]), second["rejected"]) == ([], sorted(ids), [])

    stored = _stored(live_server)
    assert sorted(r["id"] for r in stored) == sorted(ids)
    checkin = next(r for r in stored if r["kind"] == "checkin")
    assert checkin["payload"] == {"event": "salon", "name": "张三"} and checkin["terminal_id"] == terminal.id
    assert [r["id"] for r in _stored(live_server, kind="feedback")] == [ids[0]]


def test_a_bad_record_is_rejected_alone(live_server):
    terminal = enrolled_terminal(live_server)
    good = record()
    repeated = record()
    bad_id = {**record(), "id": "not-a-uuid"}
    bad_kind = {**record(), "kind": "complaint"}
    no_time = {key: value for key, value in record().items() if key != "created_at"}
    too_big = record(text="x" * MAX_RECORD_PAYLOAD_BYTES)
    result = _send(terminal, [good, bad_id, bad_kind, no_time, too_big, repeated, repeated]).json()

    assert sorted(result["accepted"]) == sorted([good["id"], repeated["id"]])
    assert result["duplicates"] == [repeated["id"]]  # the same id twice in one batch
    rejected = {r["id"]: r["error"] for r in result["rejected"]}
    assert rejected.keys() == {"not-a-uuid", bad_kind["id"], no_time["id"], too_big["id"]}
    assert rejected["not-a-uuid"].startswith("id:")
    assert rejected[bad_kind["id"]].startswith("kind:")
    assert rejected[no_time["id"]].startswith("created_at:")
    assert rejected[too_big["id"]].startswith("payload:")
    assert len(_stored(live_server)) == 2


def test_an_empty_or_oversized_batch_is_refused_whole(live_server):
    terminal = enrolled_terminal(live_server)
    assert _send(terminal, []).status_code == 422
    assert _send(terminal, [record() for _ in range(501)]).status_code == 422
    assert _stored(live_server) == []


def test_records_are_idempotent_per_terminal_not_across_terminals(live_server):
    a = enrolled_terminal(live_server, "A", "Lobby A")
    b = enrolled_terminal(live_server, "B", "Lobby B")
    shared = record()
    assert _send(a, [shared]).json()["accepted"] == [shared["id"]]
    assert _send(b, [shared]).json()["accepted"] == [shared["id"]]
    assert sorted(r["terminal_id"] for r in _stored(live_server)) == sorted([a.id, b.id])
    assert [r["terminal_id"] for r in _stored(live_server, terminal_id=b.id)] == [b.id]


def _send_together(senders) -> list[dict]:
    """Each sender's reply, the requests released at the same moment from their own threads."""
    barrier = threading.Barrier(len(senders))
    replies: list = [None] * len(senders)

    def run(index, send):
        barrier.wait()
        replies[index] = send()

    threads = [threading.Thread(target=run, args=(i, send)) for i, send in enumerate(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return [reply.json() for reply in replies]


def _assert_stored_once(replies: list[dict], ids: list[str]) -> None:
    accepted = [i for reply in replies for i in reply["accepted"]]
    assert sorted(accepted) == sorted(ids), "every record accepted exactly once"
    for reply in replies:
        assert sorted(reply["accepted"] + reply["duplicates"]) == sorted(ids) and reply["rejected"] == []


def test_two_identical_batches_at_once_are_stored_once(live_server):
    terminal = enrolled_terminal(live_server)
    all_ids = []
    for _ in range(ROUNDS):
        batch = [record(n=n) for n in range(50)]
        ids = [r["id"] for r in batch]
        all_ids += ids
        _assert_stored_once(_send_together([lambda batch=batch: _send(terminal, batch)] * 2), ids)
    assert sorted(r["id"] for r in _stored(live_server, limit=5000)) == sorted(all_ids)


def test_two_server_processes_on_one_database_store_a_batch_once(live_server, tmp_path):
    second = start_server(live_server.database_url, tmp_path / "second", admin_username="second-admin")
    try:
        terminal = enrolled_terminal(live_server)
        via_second = Terminal(second, {"terminal_id": terminal.id, "token": terminal.token, "name": terminal.name})
        all_ids = []
        for _ in range(ROUNDS):
            batch = [record(n=n) for n in range(50)]
            ids = [r["id"] for r in batch]
            all_ids += ids
            _assert_stored_once(_send_together([lambda batch=batch: _send(terminal, batch), lambda batch=batch: _send(via_second, batch)]), ids)
        assert sorted(r["id"] for r in _stored(second, limit=5000)) == sorted(all_ids)
        # Enrolment state is shared too: a code made on one process is used up for the other.
        code = second.enrol("C", "Lobby C")
        assert redeem(live_server, code).status_code == 200
        assert redeem(second, code).status_code == 404
    finally:
        second.stop()


@pytest.mark.server_process
def test_acknowledged_records_survive_a_killed_server(live_server):
    terminal = enrolled_terminal(live_server)
    batches = [[record(n=n) for n in range(20)] for _ in range(60)]
    acknowledged: list[str] = []

    def send_until_the_server_dies():
        for batch in batches:
            try:
                reply = _send(terminal, batch)
            except requests.ConnectionError:
                return
            acknowledged.extend(reply.json()["accepted"])

    sender = threading.Thread(target=send_until_the_server_dies)
    sender.start()
    wait_for(lambda: len(acknowledged) >= 100, "some batches to be acknowledged")
    live_server.kill()
    sender.join(timeout=120)
    live_server.start()
    assert set(acknowledged) <= {r["id"] for r in _stored(live_server, limit=5000)}

    # The terminal sends everything again, as its outbox would: each record ends up stored once.
    for batch in batches:
        reply = _send(terminal, batch).json()
        assert reply["rejected"] == [] and not set(reply["accepted"]) & set(acknowledged)
    stored = [r["id"] for r in _stored(live_server, limit=5000)]
    assert sorted(stored) == sorted(r["id"] for batch in batches for r in batch)
