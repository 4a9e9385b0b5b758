"""Who may call what, over real HTTP: a terminal never acts as another terminal or as an administrator."""

from __future__ import annotations

import requests

from tests.server.calls import enrolled_terminal

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TERMINAL_ROUTES = [
    ("POST", "/terminal/heartbeat"), ("GET", "/terminal/config"), ("GET", "/terminal/catalogue"),
    ("GET", "/terminal/commands"), ("POST", "/terminal/records"),
]
ADMIN_ROUTES = [
    ("GET", "/admin/terminals"), ("POST", "/admin/terminals"), ("GET", "/admin/audit"), ("GET", "/admin/records"),
    ("PUT", "/admin/config/defaults"), ("GET", "/admin/catalogue"), ("GET", "/admin/pairings"),
]


def test_a_terminal_cannot_see_or_answer_another_terminals_commands(live_server):
    a = enrolled_terminal(live_server, "A", "Lobby A")
    b = enrolled_terminal(live_server, "B", "Lobby B")
    queued = live_server.admin("POST", f"/admin/terminals/{b.id}/commands", json={"kind": "screenshot"}).json()

    assert a.call("GET", "/terminal/commands").json() == []
    outcome = {"command_id": queued["id"], "ok": True, "detail": "done by A"}
    assert a.call("POST", f"/terminal/commands/{queued['id']}/result", json=outcome).status_code == 404
    upload = a.call("PUT", f"/terminal/commands/{queued['id']}/screenshot", data=PNG,
                    headers={"Content-Type": "image/png"})
    assert upload.status_code == 404
    assert a.heartbeat(last_command=outcome).status_code == 200  # an outcome smuggled into a heartbeat is ignored

    [untouched] = live_server.admin("GET", f"/admin/terminals/{b.id}/commands").json()
    assert (untouched["status"], untouched["result"], untouched["has_screenshot"]) == ("pending", None, False)
    assert [c["id"] for c in b.call("GET", "/terminal/commands").json()] == [queued["id"]]


def test_a_terminal_credential_opens_no_admin_route(live_server):
    terminal = enrolled_terminal(live_server)
    for method, path in ADMIN_ROUTES:
        reply = terminal.call(method, path, json={})
        assert reply.status_code == 401, (method, path, reply.status_code)


def test_an_admin_token_opens_no_terminal_route(live_server):
    for method, path in TERMINAL_ROUTES:
        reply = live_server.admin(method, path, json={"records": [{}]})
        assert reply.status_code == 401, (method, path, reply.status_code)


def test_missing_forged_and_foreign_credentials_are_401(live_server):
    terminal = enrolled_terminal(live_server)
    url = live_server.api_url("/terminal/heartbeat")
    for headers in ({}, {"Authorization": "Bearer kt_forged"}, {"Authorization": "Bearer " + terminal.token + "x"},
                    {"Authorization": "Basic " + terminal.token}, {"Authorization": terminal.token}):
        reply = requests.post(url, json={}, headers=headers, timeout=30)
        assert reply.status_code == 401, headers
        assert reply.headers["WWW-Authenticate"] == "Bearer"


def test_revoking_one_terminal_leaves_the_others_working(live_server):
    a = enrolled_terminal(live_server, "A", "Lobby A")
    b = enrolled_terminal(live_server, "B", "Lobby B")
    live_server.admin("POST", f"/admin/terminals/{a.id}/revoke").raise_for_status()
    for method, path in TERMINAL_ROUTES:
        reply = a.call(method, path, json={"records": [{}]})
        assert (reply.status_code, reply.json()["detail"]) == (401, "terminal_revoked"), (method, path)
    assert b.heartbeat().status_code == 200
    assert live_server.admin("POST", f"/admin/terminals/{a.id}/commands", json={"kind": "restart"}).status_code == 409
