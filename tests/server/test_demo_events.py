"""``kiosk-server demo-data`` makes events a demo can check in to at once: the printed ticket is welcomed."""

from __future__ import annotations

import re

from tests.server.calls import Terminal, redeem
from tests.server.checkin_calls import scan_online


def test_demo_data_has_open_events_with_attendees_and_prints_a_ticket_that_checks_in(live_server):
    printed = live_server.run_cli("demo-data").stdout
    code = re.search(r"a ticket to scan: (LK:.+)$", printed, re.MULTILINE).group(1)
    # The centre's events beside the volunteer activities of the year (tests/server/domain: their hours).
    events = [e for e in live_server.admin("GET", "/admin/events").json() if e["volunteer_team_id"] is None]
    assert len(events) == 2 and all(e["status"] == "published" and e["all_terminals"] for e in events)
    assert all(e["registered"] >= 4 for e in events)
    enrolment = re.findall(r"enrolment code ([A-Z2-9]{4}-[A-Z2-9]{4})", printed)[0]
    terminal = Terminal(live_server, redeem(live_server, enrolment).json())
    offered = {e["id"] for e in terminal.call("GET", "/terminal/checkin").json()["events"]}
    assert {e["id"] for e in events} <= offered
    assert scan_online(terminal, code)["kind"] == "welcome"
