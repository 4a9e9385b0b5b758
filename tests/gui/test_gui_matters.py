"""Building matters through the real kiosk window and a real server: a proposal typed at the kiosk reaches the
console once through the outbox, is raised, assigned at a meeting and resolved there, and the kiosk's 楼事楼办 board
shows what was done, by whom, with "as of HH:MM" once the connection is lost."""

from __future__ import annotations

import re
import threading
import time

import pytest

from tests.gui.conftest import enrol_kiosk
from tests.gui.matters_scenarios import RESOLUTION
from tests.server.console.console_client import ConsoleClient

pytestmark = pytest.mark.gui


def _handle_in_the_console(server) -> dict:
    """What staff do with the proposal: raise it, assign it at the month's meeting, resolve it."""
    client = ConsoleClient(server)
    client.sign_in()
    listing = client.page("/matters").text
    proposals = re.findall(r'action="/console/matters/from-feedback/(\d+)"', listing)
    raised = client.submit("/matters", f"/matters/from-feedback/{proposals[0]}")
    matter = raised.url.rsplit("/", 1)[1]
    meeting = client.submit("/meetings", "/meetings", {"title": "楼事楼议联席会议", "held_on": "2026-03-10"})
    meeting_id = meeting.url.rsplit("/", 1)[1]
    client.submit(f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/decide", {
        "matter_id": matter, "unit_kind": "property", "unit_name": "富力物业", "deadline": "2099-03-31"})
    resolved = client.submit(f"/matters/{matter}", f"/matters/{matter}/resolve", {"resolution": RESOLUTION})
    tracking = re.search(r"<code>(F[0-9]{6}-[0-9A-Z]{8})</code>", raised.text)
    return {"proposals": len(proposals), "title": re.search(r'id="matter-title">([^<]*)<', raised.text).group(1),
            "tracking_number": tracking.group(1) if tracking else None, "resolved": resolved.status_code}


@pytest.fixture
def kiosk_env(gui_server, tmp_path):
    """The kiosk enrolled; a thread resolves the proposal in the console when the scenario asks."""
    enrol_kiosk(gui_server, "GUI 楼事机", tmp_path / "data")
    control = tmp_path / "control"
    control.mkdir()
    handled: dict = {}
    done = threading.Event()

    def serve():
        while not done.is_set():
            if (control / "resolve").exists() and not (control / "resolve-done").exists():
                handled.update(_handle_in_the_console(gui_server))
                (control / "resolve-done").touch()
            time.sleep(0.1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield {"KIOSK_TEST_CONTROL_DIR": str(control)}, handled
    done.set()
    thread.join(10)


def test_a_proposal_typed_at_the_kiosk_is_resolved_at_a_meeting_and_shows_on_the_board(run_scenario, gui_server, kiosk_env):
    env, handled = kiosk_env
    seen = run_scenario("matters_proposal_to_the_board", env=env, timeout=420)
    assert "楼事楼办" in seen["tiles"] and "富力共识" in seen["tiles"]
    assert (seen["after_category"], seen["typed"]) == ("feedback_text", "停水")
    assert handled == {"proposals": 1, "title": "停水", "tracking_number": seen["tracking_number"], "resolved": 200}
    assert seen["board_screen"] == "matters"
    texts = " ".join(seen["board_texts"])
    assert RESOLUTION in texts and "富力物业" in texts and "自助终端访客" in texts
    assert seen["offline_as_of"].startswith("离线：截至")
