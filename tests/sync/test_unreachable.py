"""The engine facing a server that is absent, failing or hanging: offline, nothing lost, the caller never blocked.

The failing and hanging servers are real HTTP servers on loopback (tests/sync/relay.py), not mocks.
"""

from __future__ import annotations

import socket

from services.storage.outbox import Outbox
from services.sync.engine import StatusChanged
from services.sync.identity import TerminalIdentity, save_identity
from tests.sync.conftest import local_settings, stored_records, wait_for
from tests.sync.relay import Relay

# Short timeouts so a hanging server is noticed quickly; as the server would configure them.
FAST = local_settings(sync={"connect_timeout_seconds": 1, "read_timeout_seconds": 1, "max_backoff_seconds": 10})


def _enrol_at(data_dir, url):
    save_identity(data_dir, TerminalIdentity(url, 1, "kt_" + "x" * 43, "T1", "Lobby"))


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_no_server_and_no_identity_is_standalone(make_engine):
    engine, watcher = make_engine(None)
    assert engine.status().state == "standalone"
    assert engine._thread is None  # nothing to talk to, so no worker
    engine.sync_now()
    assert engine.status().state == "standalone"
    assert [e.status.state for e in watcher.of(StatusChanged)] == ["standalone"]  # announced once


def test_server_answering_500_means_offline_and_records_kept(make_engine, store, data_dir):
    store.save_remote_settings(FAST, version=1)
    outbox = Outbox(store)
    ids = [outbox.add("feedback", {"n": n}) for n in range(3)]
    with Relay() as server:  # answers 500 to everything
        _enrol_at(data_dir, server.url)
        engine, watcher = make_engine(None)
        status = watcher.wait_state("offline")
        assert "HTTP 500" in status.last_error and "upstream trouble" in status.last_error
        first_offline = status.offline_since
        assert first_offline is not None
        ids.append(outbox.add("feedback", {"n": 3}))  # the visitor's record is taken while offline
        engine.sync_now()
        wait_for(lambda: server.count("POST", "/terminal/records") >= 2, "a second attempt")
        watcher.wait_state("offline")
        assert engine.status().offline_since == first_offline  # the outage began at the first failure
    assert [record.id for record in outbox.next_batch(10)] == ids
    assert engine.status().outbox_depth == 4


def test_server_answering_429_is_retried_later_like_a_5xx(make_engine, store, data_dir):
    store.save_remote_settings(FAST, version=1)
    with Relay() as server:
        server.fail_status = 429
        _enrol_at(data_dir, server.url)
        engine, watcher = make_engine(None)
        assert "HTTP 429" in watcher.wait_state("offline").last_error


def test_hanging_server_times_out(make_engine, store, data_dir):
    store.save_remote_settings(FAST, version=1)
    record_id = Outbox(store).add("checkin", {"event": "salon"})
    with Relay() as server:
        server.mode = "hang"
        _enrol_at(data_dir, server.url)
        engine, watcher = make_engine(None)
        status = watcher.wait_state("offline")
        assert "ReadTimeout" in status.last_error
    assert [record.id for record in Outbox(store).next_batch(10)] == [record_id]


def test_the_ui_is_never_blocked_while_the_server_hangs(make_engine, store, data_dir):
    # Default read timeout (15 s): the worker sits in its request (and the push listener in its long poll) while
    # the UI calls the engine.
    with Relay() as server:
        server.mode = "hang"
        _enrol_at(data_dir, server.url)
        engine, watcher = make_engine(None)
        wait_for(lambda: server.hanging == 2, "the worker's request and the long poll to reach the server")
        record_id = Outbox(store).add("checkin", {"event": "salon"})
        engine.sync_now()
        engine.report_command(5, True, "shown")
        status = engine.status()
        assert server.hanging == 2 and status.state == "syncing" and status.outbox_depth == 1
    assert record_id in {record.id for record in Outbox(store).next_batch(10)}


def test_connection_refused_means_offline(make_engine, store, data_dir):
    store.save_remote_settings(FAST, version=1)
    _enrol_at(data_dir, _closed_port_url())
    engine, watcher = make_engine(None)
    assert "ConnectionError" in watcher.wait_state("offline").last_error


def test_stop_ends_a_waiting_worker_at_once(make_engine, store, data_dir):
    store.save_remote_settings(FAST, version=1)
    _enrol_at(data_dir, _closed_port_url())
    engine, watcher = make_engine(None)
    watcher.wait_state("offline")
    engine.stop(timeout=30)
    assert not engine._thread.is_alive()


def test_after_a_spell_of_500s_the_queue_drains_once(live_server, enrolled, relay, make_engine, store):
    relay.mode = "fail"
    ids = [Outbox(store).add("feedback", {"n": n}) for n in range(40)]
    engine, watcher = make_engine(None)
    failed = watcher.wait_state("offline")
    wait_for(lambda: relay.count("POST", "/terminal/records", 500) >= 3, "a few refused attempts",
             nudge=engine.sync_now)
    relay.mode = "forward"
    status = watcher.wait_status(lambda s: s.state == "online" and s.outbox_depth == 0, "the queue to drain")
    assert failed.offline_since is not None and status.offline_since is None and status.last_error == ""
    stored = [record["id"] for record in stored_records(live_server, enrolled.terminal_id)]
    assert sorted(stored) == sorted(ids)
