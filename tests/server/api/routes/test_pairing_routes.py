"""Pairing over real HTTP: the kiosk shows a code, an admin approves it, the secret's holder gets the credential once."""

from __future__ import annotations

import secrets

import pytest
import requests

from tests.server.calls import APP_VERSION, Terminal, wait_for


def _start(server, code, secret) -> requests.Response:
    return requests.post(server.api_url("/enrolment/pairings"), timeout=30,
                         json={"code": code, "secret": secret, "app_version": APP_VERSION})


def _poll(server, code, secret) -> requests.Response:
    return requests.post(server.api_url(f"/enrolment/pairings/{code}/poll"), json={"secret": secret}, timeout=30)


def _approve(server, code, **kwargs) -> requests.Response:
    body = {"name": "T2 大堂", "location": "T2 一层", "group": "T2", **kwargs}
    return server.admin("POST", f"/admin/pairings/{code}/approve", json=body)


def test_pairing_hands_the_credential_once_to_the_holder_of_the_secret(live_server):
    code, secret = "482913", secrets.token_urlsafe(32)
    started = _start(live_server, code, secret)
    assert started.status_code == 201 and started.json() == {"status": "pending", "credential": None, "reason": None}
    assert _start(live_server, code, secret).json()["status"] == "pending"  # a retried start is harmless
    assert _start(live_server, code, secrets.token_urlsafe(32)).status_code == 409  # someone else's code

    pending = live_server.admin("GET", "/admin/pairings").json()
    assert [(p["code"], p["app_version"]) for p in pending] == [(code, APP_VERSION)]
    assert _poll(live_server, code, secrets.token_urlsafe(32)).status_code == 404
    assert _poll(live_server, code, secret).json()["status"] == "pending"

    approved = _approve(live_server, code)
    assert approved.status_code == 200
    status = approved.json()
    assert (status["name"], status["group"], status["enrolled"]) == ("T2 大堂", "T2", False)
    assert _approve(live_server, code).status_code == 404  # no longer pending

    assert _poll(live_server, code, secrets.token_urlsafe(32)).status_code == 404  # the approval leaks nothing
    first = _poll(live_server, code, secret).json()
    assert first["status"] == "approved"
    credential = first["credential"]
    assert credential["terminal_id"] == status["id"] and credential["token"].startswith("kt_")
    second = _poll(live_server, code, secret).json()
    assert second == {"status": "approved", "credential": None, "reason": None}

    terminal = Terminal(live_server, credential)
    assert terminal.heartbeat().status_code == 200
    assert terminal.status()["enrolled"]
    assert live_server.admin("GET", "/admin/pairings").json() == []
    actions = [entry["action"] for entry in live_server.admin("GET", "/admin/audit").json()]
    assert {"pairing.approve", "terminal.enrolled"} <= set(actions)


def test_unknown_codes_and_bad_bodies_are_refused(live_server):
    assert _poll(live_server, "000000", secrets.token_urlsafe(32)).status_code == 404
    assert _approve(live_server, "000000").status_code == 404
    assert _start(live_server, "12345", secrets.token_urlsafe(32)).status_code == 422  # five digits
    assert _start(live_server, "123456", "short").status_code == 422  # a guessable secret


@pytest.mark.server_settings(pairing_ttl_seconds=1)
def test_a_pairing_expires_and_its_code_is_free_again(live_server):
    code, secret = "777111", secrets.token_urlsafe(32)
    assert _start(live_server, code, secret).status_code == 201
    wait_for(lambda: _poll(live_server, code, secret).json()["status"] == "expired", "the pairing to expire")
    assert _approve(live_server, code).status_code == 410
    assert live_server.admin("GET", "/admin/pairings").json() == []
    assert _start(live_server, code, secrets.token_urlsafe(32)).status_code == 201
