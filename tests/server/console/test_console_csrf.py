"""Every console POST needs the session's CSRF token: none, a wrong one or another session's is refused
and changes nothing."""

from __future__ import annotations

import pytest

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient, csrf_of


def _commands(server, terminal_id: int) -> list:
    return server.admin("GET", f"/admin/terminals/{terminal_id}/commands").json()


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_a_post_without_the_right_token_is_refused(live_server, token):
    terminal = enrolled_terminal(live_server)
    client = ConsoleClient(live_server)
    client.sign_in()
    data = {"kind": "sync_now"} | ({} if token is None else {"csrf_token": token})
    reply = client.post(client.url(f"/terminals/{terminal.id}/commands"), data=data, timeout=30)
    assert reply.status_code == 403
    assert "reload the page" in reply.text
    assert _commands(live_server, terminal.id) == []


def test_another_sessions_token_is_refused(live_server):
    terminal = enrolled_terminal(live_server)
    mine, theirs = ConsoleClient(live_server), ConsoleClient(live_server)
    mine.sign_in()
    theirs.sign_in()
    their_token = csrf_of(theirs.page("/terminals").text)
    reply = mine.post(mine.url(f"/terminals/{terminal.id}/commands"), data={"kind": "sync_now",
                                                                             "csrf_token": their_token}, timeout=30)
    assert reply.status_code == 403
    assert _commands(live_server, terminal.id) == []


def test_the_right_token_is_accepted(live_server):
    terminal = enrolled_terminal(live_server)
    client = ConsoleClient(live_server)
    client.sign_in()
    reply = client.submit(f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/commands", {"kind": "sync_now"})
    assert reply.status_code == 200 and reply.url.endswith(f"/console/terminals/{terminal.id}#commands")
    assert [c["kind"] for c in _commands(live_server, terminal.id)] == ["sync_now"]


def test_logout_needs_the_token_too(live_server):
    client = ConsoleClient(live_server)
    client.sign_in()
    assert client.post(client.url("/logout"), data={}, timeout=30).status_code == 403
    assert client.page("/terminals").status_code == 200  # still signed in
