"""Admin login over real HTTP: tokens, lockout after repeated failures, token expiry, and what operators may do."""

from __future__ import annotations

import pytest
import requests

from tests.server.calls import enrolled_terminal, parse_time, sleep_until, wait_for

OPERATOR_PASSWORD = "operator-password"


def _login(server, username="admin", password=None) -> requests.Response:
    return requests.post(server.api_url("/admin/login"), timeout=30,
                         json={"username": username, "password": password or server.admin_password})


def test_login_gives_an_admin_token(live_server):
    reply = _login(live_server)
    assert reply.status_code == 200
    token = reply.json()
    assert token["token"].startswith("ka_") and token["role"] == "admin"
    assert live_server.admin("GET", "/admin/terminals", token=token["token"]).status_code == 200


def test_bad_credentials_are_401_and_say_nothing_about_who_exists(live_server):
    wrong_password = _login(live_server, password="not-the-password")
    unknown_user = _login(live_server, username="nobody", password="whatever-it-is")
    assert wrong_password.status_code == unknown_user.status_code == 401
    # Each answer has its own request id; what it says is the same.
    assert wrong_password.json()["detail"] == unknown_user.json()["detail"]


def test_five_failures_lock_the_account_even_against_the_right_password(live_server):
    for _ in range(5):
        assert _login(live_server, password="wrong-password").status_code == 401
    locked = _login(live_server)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    # Another account is not affected, and the lockout is in the audit log.
    live_server.add_account("second", "second-password")
    assert _login(live_server, username="second", password="second-password").status_code == 200
    actions = [entry["action"] for entry in live_server.admin("GET", "/admin/audit").json()]
    assert "admin.locked_out" in actions


@pytest.mark.server_settings(login_lockout_seconds=2)
def test_the_lockout_lapses(live_server):
    for _ in range(5):
        _login(live_server, password="wrong-password")
    assert _login(live_server).status_code == 429
    wait_for(lambda: _login(live_server).status_code == 200, "the lockout to lapse")


@pytest.mark.server_settings(admin_token_ttl_seconds=2)
def test_an_admin_token_expires(live_server):
    token = _login(live_server).json()
    assert live_server.admin("GET", "/admin/terminals", token=token["token"]).status_code == 200
    sleep_until(parse_time(token["expires_at"]))
    reply = live_server.admin("GET", "/admin/terminals", token=token["token"])
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == "Bearer"


def test_operators_watch_and_command_but_cannot_enrol_revoke_or_configure(live_server):
    terminal = enrolled_terminal(live_server)
    live_server.add_account("operator", OPERATOR_PASSWORD, role="operator")
    login = _login(live_server, username="operator", password=OPERATOR_PASSWORD).json()
    assert login["role"] == "operator"
    token = login["token"]

    def call(method, path, **kwargs):
        return live_server.admin(method, path, token=token, **kwargs).status_code

    assert call("GET", "/admin/terminals") == 200
    assert call("GET", f"/admin/terminals/{terminal.id}") == 200
    assert call("GET", "/admin/audit") == 200
    assert call("POST", f"/admin/terminals/{terminal.id}/commands", json={"kind": "sync_now"}) == 201
    refused = [
        call("POST", "/admin/terminals", json={"name": "X", "location": "Y"}),
        call("POST", f"/admin/terminals/{terminal.id}/enrolment-code"),
        call("POST", f"/admin/terminals/{terminal.id}/revoke"),
        # Configuration is the admin's, reading too: the layers hold the maintenance PIN's hash.
        call("GET", f"/admin/config/terminals/{terminal.id}/effective"),
        call("GET", "/admin/config/defaults"),
        call("GET", "/admin/config/defaults/history"),
        call("PUT", "/admin/config/defaults", json={"settings": {"idle": {"timeout_seconds": 90}}}),
        call("PUT", f"/admin/config/terminals/{terminal.id}", json={"settings": {}}),
        call("POST", "/admin/pairings/123456/approve", json={"name": "X", "location": "Y"}),
    ]
    assert refused == [403] * len(refused)
    # The catalogue is content, the operator's job: this one is refused for what it says, not for who sent it.
    assert call("PUT", "/admin/catalogue", json={"version": "x"}) == 422
    assert terminal.heartbeat().status_code == 200  # nothing was revoked
