"""Event check-in end to end: a real server issues tickets, the real kiosk syncs its check-in bundle, and
ticket texts written into the kiosk's simulated scanner (a real pty) come out as verdicts on the screen
and as check-ins on the server, exactly once, also when the server was down at the time of the scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common import tickets
from tests.gui.conftest import configure_defaults, enrol_kiosk
from tests.server.checkin_calls import attendee, checkins_of, published_event, ticket_text

pytestmark = pytest.mark.gui

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.toml"
KIOSK_NAME = "GUI 签到机"


@pytest.fixture
def server(gui_server):
    # The simulated scanner: the kiosk takes its settings from here once enrolled.
    configure_defaults(gui_server, {"checkin": {"scanner": {"kind": "simulator"}}})
    return gui_server


@pytest.fixture
def event(server):
    """A published event open for check-in now, and tickets of three attendees read back from their PNGs."""
    published = published_event(server)
    texts = {}
    for key, name, phone in (("first", "张小明", "13800138001"), ("second", "李四", "13800138002"),
                             ("third", "王五", "13800138003")):
        registration = attendee(server, published["id"], name=name, phone=phone)
        texts[key] = ticket_text(server, published["id"], registration["id"])
    genuine = tickets.read(texts["second"])
    # Signed with another key under the server's key id: only the signature gives it away.
    texts["forged"] = tickets.issue(tickets.SigningKey.generate(genuine.key_id), genuine.event_id, genuine.ticket_id + 1000)
    return published, texts


@pytest.fixture
def kiosk_env(server, event, tmp_path):
    """The kiosk enrolled with the server; the environment a scenario needs."""
    enrol_kiosk(server, KIOSK_NAME, tmp_path / "data")
    return {"KIOSK_TEST_TICKETS": json.dumps(event[1])}


def _simulator_settings() -> str:
    # Before the first configuration arrives the local file counts: the same scanner as the server's.
    return SETTINGS.read_text(encoding="utf-8").replace('kind = "auto"', 'kind = "simulator"')


def _rows_by_ticket(server, event_id: int) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {}
    for row in checkins_of(server, event_id):
        rows.setdefault(row["ticket_id"], []).append(row)
    return rows


def test_tickets_scanned_on_any_screen_get_their_verdict_and_are_checked_in_once(run_scenario, server, event, kiosk_env):
    published, texts = event
    seen = run_scenario("checkin_scans_from_any_screen_online", env=kiosk_env, settings_text=_simulator_settings())
    assert seen["ready"], "the kiosk synced the check-in bundle"
    assert seen["screen_before"] == "guide"
    first, garbage, forged, second, again = seen["scans"]
    # Scanned on the guide screen: the kiosk jumped to the check-in screen and welcomed the visitor by name.
    assert first["screen"] == "checkin"
    assert (first["kind"], first["mode"], first["phase"]) == ("welcome", "online", "verdict")
    assert first["lines"] == ["张*明", "政务服务宣讲会"]
    assert first["headline_visible"]
    assert seen["phase_after_verdict"] == "waiting"
    assert garbage["kind"] == "unreadable" and garbage["headline_visible"]
    assert forged["kind"] == "forged" and forged["headline_visible"]
    # The reader survived both: the next good ticket is welcomed, and the first one again is "already".
    assert (second["kind"], second["lines"][0]) == ("welcome", "李*")
    assert again["kind"] == "already"
    assert KIOSK_NAME in again["lines"][0]
    assert [scan["lines_alive"] for scan in seen["scans"]] == [len(scan["lines"]) for scan in seen["scans"]]
    assert seen["outbox_after"] == 0

    rows = _rows_by_ticket(server, published["id"])
    first_id, second_id = tickets.read(texts["first"]).ticket_id, tickets.read(texts["second"]).ticket_id
    assert sorted(row["server_verdict"] for row in rows[first_id]) == ["already", "welcome"]
    assert [row["server_verdict"] for row in rows[second_id]] == ["welcome"]
    assert all(row["flag"] is None for group in rows.values() for row in group)
    attendance = server.admin("GET", f"/admin/events/{published['id']}/attendance").json()
    assert attendance["checked_in"] == 2


def test_a_ticket_scanned_while_the_server_is_down_is_welcomed_and_synced_once(
        run_scenario, server, event, kiosk_env, server_control):
    published, texts = event
    seen = run_scenario("checkin_offline_then_synced_once", env={**kiosk_env, **server_control},
                        settings_text=_simulator_settings())
    assert seen["screen"] == "checkin"
    assert "请出示票券二维码" in seen["waiting_texts"]
    assert "政务服务宣讲会" in seen["waiting_texts"], "the event open now is listed"
    (scan,) = seen["scans"]
    assert (scan["kind"], scan["mode"], scan["lines"]) == ("welcome", "offline", ["王*", "政务服务宣讲会"])
    assert seen["outbox_while_offline"] >= 1
    assert seen["outbox_after"] == 0

    rows = _rows_by_ticket(server, published["id"])
    (row,) = rows[tickets.read(texts["third"]).ticket_id]
    assert (row["mode"], row["terminal_verdict"], row["server_verdict"], row["flag"]) == ("offline", "welcome", "welcome", None)
    assert row["terminal_name"] == KIOSK_NAME


def test_a_kiosk_waiting_for_enrolment_enrols_by_scanning_the_console_qr(run_scenario, server):
    code = server.enrol("T3 扫码登记机", "T3 一层大堂")
    env = {"KIOSK_SERVER_URL": server.url, "KIOSK_TEST_ENROLMENT_QR": f"LKENROL|{code}|{server.url}",
           "KIOSK_TEST_TERMINAL_NAME": "T3 扫码登记机"}
    seen = run_scenario("checkin_enrolment_qr_enrols_a_waiting_kiosk", env=env, settings_text=_simulator_settings())
    assert (seen["state_before"], seen["notice_before"]) == ("pairing", "本终端尚未登记")
    assert seen["verdict"] == "enrolled"
    assert (seen["state_after"], seen["notice_after"]) == ("online", "")
    assert seen["terminal_name"] == "T3 扫码登记机"
    assert seen["identity_file"] is True
    (terminal,) = server.admin("GET", "/admin/terminals").json()
    assert terminal["name"] == "T3 扫码登记机"
