"""GET /terminal/wait, the long poll, over real HTTP: it answers when a command is queued or the terminal's
configuration changes while it waits, at once when something already waits, and with the same state when the wait
is over. (Across processes on PostgreSQL: tests/server/test_multi_process.py.)"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.server.calls import Terminal, enrolled_terminal

LONG_WAIT = 30  # never reached when the notice arrives: an answer before it is the notice's


def _wait(terminal: Terminal, config_etag: str, seconds: int = LONG_WAIT) -> dict:
    reply = terminal.call("GET", "/terminal/wait", params={"config_etag": config_etag, "seconds": seconds},
                          timeout=seconds + 30)
    reply.raise_for_status()
    return reply.json()


def _waiting_after(pool: ThreadPoolExecutor, terminal: Terminal, etag: str):
    waiting = pool.submit(_wait, terminal, etag)
    time.sleep(0.5)  # the poll is in the server, waiting (if not, it answers at once below: the same check)
    return waiting


def test_a_waiting_terminal_hears_of_a_command_and_a_configuration_change(live_server):
    terminal = enrolled_terminal(live_server)
    etag = terminal.heartbeat().json()["config_etag"]
    assert _wait(terminal, etag, seconds=0) == {"commands_pending": 0, "config_etag": etag}
    with ThreadPoolExecutor(2) as pool:
        waiting = _waiting_after(pool, terminal, etag)
        queued = time.monotonic()
        assert live_server.admin("POST", f"/admin/terminals/{terminal.id}/commands",
                                 json={"kind": "sync_now"}).status_code == 201
        assert waiting.result()["commands_pending"] == 1
        assert time.monotonic() - queued < LONG_WAIT
        assert _wait(terminal, etag)["commands_pending"] == 1  # still waiting for it: answered at once
        assert terminal.call("GET", "/terminal/commands").status_code == 200  # delivered now

        waiting = _waiting_after(pool, terminal, etag)
        changed = live_server.admin("PUT", f"/admin/config/terminals/{terminal.id}",
                                    json={"settings": {"display": {"theme": "dark"}}})
        assert changed.status_code == 200, changed.text
        notice = waiting.result()
        assert notice["config_etag"] != etag and notice["commands_pending"] == 0


@pytest.mark.parametrize("query", [{"seconds": 61}, {"seconds": -1}, {"config_etag": "x" * 101}])
def test_a_wait_out_of_bounds_is_refused(live_server, query):
    terminal = enrolled_terminal(live_server)
    assert terminal.call("GET", "/terminal/wait", params=query).status_code == 422


def test_the_wait_is_for_terminals_only(live_server):
    assert live_server.admin("GET", "/terminal/wait").status_code == 401
