"""Roles in the console, as in the API: an operator sees the fleet and sends commands, but enrolment,
revocation and configuration (reading it too) answer 403 and change nothing; the catalogue is content, which
operators handle."""

from __future__ import annotations

import pytest

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient, create_operator


@pytest.fixture
def operator(live_server) -> ConsoleClient:
    client = ConsoleClient(live_server)
    assert client.sign_in("operator", create_operator(live_server)).status_code == 200
    return client


def test_an_operator_sees_terminals_and_sends_commands(live_server, operator):
    terminal = enrolled_terminal(live_server, name="Lobby east")
    assert "Lobby east" in operator.page("/terminals").text
    reply = operator.submit(f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/commands",
                            {"kind": "show_message", "text_zh": "请稍候", "text_en": "Please wait", "seconds": "20"})
    assert reply.status_code == 200
    queued = live_server.admin("GET", f"/admin/terminals/{terminal.id}/commands").json()
    assert [(c["kind"], c["args"]) for c in queued] == [
        ("show_message", {"text": {"zh": "请稍候", "en": "Please wait"}, "seconds": 20})]


def test_an_operator_gets_no_admin_forms(live_server, operator):
    terminal = enrolled_terminal(live_server)
    assert 'id="enrol-form"' not in operator.page("/terminals").text
    assert 'id="revoke"' not in operator.page(f"/terminals/{terminal.id}").text
    detail = operator.page(f"/terminals/{terminal.id}").text
    assert 'id="settings"' not in detail and 'id="nav-config"' not in detail


@pytest.mark.parametrize("action, data", [
    ("/terminals", {"name": "Sneaky", "location": "Roof"}),
    ("/terminals/{id}/revoke", {}),
    ("/terminals/{id}/enrolment-code", {}),
    ("/config/defaults/preview", {"set:idle.timeout_seconds": "on", "value:idle.timeout_seconds": "99"}),
    ("/config/defaults/save", {"document": '{"idle": {"timeout_seconds": 99}}'}),
])
def test_an_operator_is_refused_admin_actions(live_server, operator, action, data):
    terminal = enrolled_terminal(live_server)
    before = _state(live_server)
    reply = operator.submit("/terminals", action.format(id=terminal.id), data)
    assert reply.status_code == 403
    assert "This needs the admin role." in reply.text
    assert _state(live_server) == before


@pytest.mark.parametrize("page", ["/terminals/1/revoke", "/config", "/config/defaults", "/config/terminal/1"])
def test_an_operator_gets_403_for_admin_pages(live_server, operator, page):
    enrolled_terminal(live_server)
    assert operator.page(page).status_code == 403


def _state(server) -> tuple:
    terminals = server.admin("GET", "/admin/terminals").json()
    defaults = server.admin("GET", "/admin/config/defaults")
    catalogue = server.admin("GET", "/admin/catalogue").json()
    return ([(t["id"], t["revoked"]) for t in terminals], defaults.status_code, catalogue["etag"],
            len(server.admin("GET", "/admin/audit").json()))


def test_an_operator_manages_the_catalogue(live_server, operator):
    before = live_server.admin("GET", "/admin/catalogue").json()["etag"]
    assert operator.page("/catalogue/services/RS-001").status_code == 200
    reply = operator.submit("/catalogue/services/RS-001/delete", "/catalogue/services/RS-001/delete", {})
    assert reply.status_code in (200, 303)
    after = live_server.admin("GET", "/admin/catalogue").json()
    assert after["etag"] != before
    served = live_server.admin("GET", "/admin/catalogue/export?format=json").json()
    assert "RS-001" not in [service["code"] for service in served["services"]]
