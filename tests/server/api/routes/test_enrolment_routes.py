"""Enrolment by one-time code over real HTTP: used once, expiry, re-enrolment, revocation, rate limit."""

from __future__ import annotations

import re

import pytest

from common.wire import ENROLMENT_CODE_PATTERN
from tests.server.calls import Terminal, parse_time, redeem, sleep_until


def test_a_code_is_redeemed_once_for_a_credential(live_server):
    reply = live_server.admin("POST", "/admin/terminals", json={"name": "T1 1号机", "location": "T1 大堂", "group": "T1"})
    assert reply.status_code == 201
    code = reply.json()
    assert re.match(ENROLMENT_CODE_PATTERN, code["code"])

    first = redeem(live_server, code["code"])
    assert first.status_code == 200
    credential = first.json()
    assert credential["terminal_id"] == code["terminal_id"]
    assert credential["token"].startswith("kt_")
    assert (credential["name"], credential["location"]) == ("T1 1号机", "T1 大堂")
    assert Terminal(live_server, credential).heartbeat().status_code == 200

    again = redeem(live_server, code["code"])
    assert again.status_code == 404
    status = live_server.admin("GET", f"/admin/terminals/{code['terminal_id']}").json()
    assert status["enrolled"] and not status["revoked"] and status["group"] == "T1"
    actions = [(e["action"], e["target"]) for e in live_server.admin("GET", "/admin/audit").json()]
    assert ("terminal.enrolled", f"terminal:{code['terminal_id']}") in actions


def test_unknown_and_malformed_codes_are_refused(live_server):
    assert redeem(live_server, "ABCD-EFGH").status_code == 404
    assert redeem(live_server, "abcd-efgh").status_code == 422
    assert redeem(live_server, "ABCD-EFGH'; DROP TABLE terminals; --").status_code == 422


def test_a_fresh_code_replaces_the_credential_and_the_old_one_stops_working(live_server):
    old = Terminal(live_server, redeem(live_server, live_server.enrol("T1", "Lobby")).json())
    fresh = live_server.admin("POST", f"/admin/terminals/{old.id}/enrolment-code")
    assert fresh.status_code == 200
    assert old.heartbeat().status_code == 200  # the old credential stays until the new code is used
    new = Terminal(live_server, redeem(live_server, fresh.json()["code"]).json())
    assert new.id == old.id and new.token != old.token
    assert new.heartbeat().status_code == 200
    assert old.heartbeat().status_code == 401


def test_revocation_refuses_the_credential_and_kills_unused_codes(live_server):
    terminal = Terminal(live_server, redeem(live_server, live_server.enrol("T1", "Lobby")).json())
    unused = live_server.admin("POST", f"/admin/terminals/{terminal.id}/enrolment-code").json()["code"]
    revoked = live_server.admin("POST", f"/admin/terminals/{terminal.id}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked"]

    refused = terminal.heartbeat()
    assert refused.status_code == 401
    assert refused.json()["detail"] == "terminal_revoked"
    assert redeem(live_server, unused).status_code == 404

    # An administrator may enrol the terminal again on purpose, with a code issued after the revocation.
    again = live_server.admin("POST", f"/admin/terminals/{terminal.id}/enrolment-code").json()["code"]
    back = Terminal(live_server, redeem(live_server, again).json())
    assert back.heartbeat().status_code == 200
    assert not live_server.admin("GET", f"/admin/terminals/{terminal.id}").json()["revoked"]
    assert terminal.heartbeat().status_code == 401


@pytest.mark.server_settings(enrolment_code_ttl_seconds=1)
def test_an_expired_code_is_410(live_server):
    code = live_server.admin("POST", "/admin/terminals", json={"name": "T1", "location": "Lobby"}).json()
    sleep_until(parse_time(code["expires_at"]))
    assert redeem(live_server, code["code"]).status_code == 410


def test_attempts_are_rate_limited_per_client_address(live_server):
    code = live_server.enrol("T1", "Lobby")
    # Ten attempts a minute: the first ten are answered on their merits, then even a good code waits.
    answers = [redeem(live_server, "ZZZZ-ZZZZ").status_code for _ in range(10)]
    assert answers == [404] * 10
    limited = redeem(live_server, code)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 61
