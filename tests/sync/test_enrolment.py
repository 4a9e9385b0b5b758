"""Enrolment against the real server: a one-time code, and pairing by the code on the kiosk's screen."""

from __future__ import annotations

import stat

import pytest

from services.sync.api import PermanentError
from services.sync.engine import StatusChanged
from services.sync.enrolment import redeem_code
from services.sync.identity import IDENTITY_FILE, load_identity, save_identity
from tests.sync.conftest import APP_VERSION, admin_json, wait_for
from tests.sync.relay import Relay


def test_a_code_is_redeemed_once_for_a_working_credential(live_server, make_engine, data_dir):
    code = live_server.enrol("T3 东门", "T3 东门入口", group="tower-3")
    identity = redeem_code(live_server.url + "/", f"  {code.lower()} ", APP_VERSION)
    assert (identity.server_url, identity.name, identity.location) == (live_server.url, "T3 东门", "T3 东门入口")
    assert identity.token.startswith("kt_")
    with pytest.raises(PermanentError, match="404.*already used") as refused:
        redeem_code(live_server.url, code, APP_VERSION)
    assert refused.value.status == 404

    save_identity(data_dir, identity)
    engine, watcher = make_engine(None)
    watcher.wait_state("online")
    terminal = wait_for(lambda: (t := admin_json(live_server, "GET", f"/admin/terminals/{identity.terminal_id}"))
                        ["online"] and t, "the server to see the terminal online")
    assert (terminal["app_version"], terminal["current_screen"], terminal["outbox_depth"]) == (APP_VERSION, "home", 0)
    assert terminal["peripherals"] == {"printer": "ok"}


def test_a_malformed_code_is_refused_before_any_request():
    # Port 9 on loopback answers nothing: a request would be a ConnectionError, not this refusal.
    with pytest.raises(PermanentError, match="not like ABCD-EFGH"):
        redeem_code("http://127.0.0.1:9", "ABCD-EFG1", APP_VERSION)


def test_pairing_approved_by_an_administrator_enrols_the_kiosk(live_server, make_engine, data_dir):
    engine, watcher = make_engine(live_server.url)
    status = engine.status()
    assert status.state == "pairing" and status.pairing_code and len(status.pairing_code) == 6
    code = status.pairing_code
    wait_for(lambda: code in [p["code"] for p in admin_json(live_server, "GET", "/admin/pairings")],
             "the pairing to reach the server")
    assert engine.status().state == "pairing"

    approved = admin_json(live_server, "POST", f"/admin/pairings/{code}/approve",
                          json={"name": "T2 大堂 2 号机", "location": "T2 一层大堂"})
    status = watcher.wait_state("online", nudge=True)
    assert status.pairing_code is None and status.server_url == live_server.url
    identity = load_identity(data_dir)
    assert (identity.terminal_id, identity.name, identity.server_url) == (approved["id"], "T2 大堂 2 号机", live_server.url)
    assert stat.S_IMODE((data_dir / IDENTITY_FILE).stat().st_mode) == 0o600
    states = [event.status.state for event in watcher.of(StatusChanged)]
    assert states.index("pairing") < states.index("online")
    wait_for(lambda: admin_json(live_server, "GET", f"/admin/terminals/{identity.terminal_id}")["online"],
             "the server to see the paired terminal online")


def test_a_restarted_kiosk_shows_the_same_pairing_code(live_server, make_engine):
    with Relay(live_server.url) as relay:
        first, _ = make_engine(relay.url)
        code = first.status().pairing_code
        wait_for(lambda: [p["code"] for p in admin_json(live_server, "GET", "/admin/pairings")] == [code],
                 "the pairing to reach the server")
        first.stop()
        polls = relay.count("POST", f"/pairings/{code}/poll", 200)
        second, _ = make_engine(relay.url)
        assert second.status().pairing_code == code
        wait_for(lambda: relay.count("POST", f"/pairings/{code}/poll", 200) > polls,
                 "the restarted kiosk to poll its pairing", nudge=second.sync_now)
        assert second.status().pairing_code == code
        assert [p["code"] for p in admin_json(live_server, "GET", "/admin/pairings")] == [code]


@pytest.mark.server_settings(pairing_ttl_seconds=2)
def test_an_expired_pairing_gives_way_to_a_new_code(live_server, make_engine):
    engine, watcher = make_engine(live_server.url)
    first_code = engine.status().pairing_code
    status = watcher.wait_status(lambda s: s.pairing_code not in (None, first_code), "a new pairing code")
    assert status.state == "pairing"
    wait_for(lambda: status.pairing_code in [p["code"] for p in admin_json(live_server, "GET", "/admin/pairings")],
             "the new code to be pending on the server")


def test_a_rejected_pairing_shows_its_reason_beside_a_new_code(live_server, make_engine):
    engine, watcher = make_engine(live_server.url)
    first_code = engine.status().pairing_code
    wait_for(lambda: first_code in [p["code"] for p in admin_json(live_server, "GET", "/admin/pairings")],
             "the pairing to reach the server")
    admin_json(live_server, "POST", f"/admin/pairings/{first_code}/reject", json={"reason": "请联系物业 IT"})
    status = watcher.wait_status(lambda s: s.pairing_refusal is not None, "the refusal")
    assert status.state == "pairing" and status.pairing_refusal == "请联系物业 IT"
    assert status.pairing_code not in (None, first_code)
    wait_for(lambda: status.pairing_code in [p["code"] for p in admin_json(live_server, "GET", "/admin/pairings")],
             "the new code to be pending on the server")
    approved = admin_json(live_server, "POST", f"/admin/pairings/{status.pairing_code}/approve",
                          json={"name": "T2 大堂 2 号机", "location": "T2 一层大堂"})
    assert approved["name"] == "T2 大堂 2 号机"
    status = watcher.wait_state("online", nudge=True)
    assert status.pairing_refusal is None
