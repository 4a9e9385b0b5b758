"""More requests at once than the server has threads and connections (server/api/admission.py): all are answered,
none waits for the pool's 30 s timeout; held long polls take no turn from them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.server.calls import enrolled_terminal, heartbeat_body, record

pytestmark = pytest.mark.postgresql  # SQLite's write lock and PostgreSQL's pool each stalled the server before
# More than the thread pool's 40: before admission, a burst like this blocked every thread on a connection (or on
# SQLite's write lock) held by requests that were waiting for a thread.
AT_ONCE = 100
HELD_WAITS = 30


def test_a_burst_beyond_the_threads_and_the_pool_is_answered(live_server):
    terminals = [enrolled_terminal(live_server, f"T{number}") for number in range(4)]

    def call(number: int) -> int:
        terminal = terminals[number % len(terminals)]
        path, body = ("/terminal/records", {"records": [record()]}) if number % 2 else ("/terminal/heartbeat",
                                                                                      heartbeat_body())
        return terminal.call("POST", path, json=body, timeout=25).status_code

    with ThreadPoolExecutor(AT_ONCE) as pool:
        assert sorted(set(pool.map(call, range(AT_ONCE)))) == [200]


@pytest.mark.parametrize("database_kind", ["sqlite"])  # no dialect in it: the middleware's choice of paths
def test_held_long_polls_leave_the_turns_to_other_requests(live_server):
    terminal = enrolled_terminal(live_server)
    etag = terminal.heartbeat().json()["config_etag"]
    with ThreadPoolExecutor(HELD_WAITS) as pool:
        waits = [pool.submit(terminal.call, "GET", "/terminal/wait", timeout=60,
                             params={"config_etag": etag, "seconds": 20}) for _ in range(HELD_WAITS)]
        assert terminal.heartbeat().status_code == 200
        assert not any(wait.done() for wait in waits)  # answered while every wait is still held
        assert live_server.admin("POST", f"/admin/terminals/{terminal.id}/commands",
                                 json={"kind": "sync_now"}).status_code == 201
        assert {wait.result().json()["commands_pending"] for wait in waits} == {1}
