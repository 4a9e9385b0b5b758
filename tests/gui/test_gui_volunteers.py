"""Volunteer hours end to end: a volunteer activity on a real server, the real kiosk with its simulated scanner
(a real pty): one volunteer checks in, another (checked in 40 minutes earlier at another terminal) checks out
and is told their service time; the console's activity page shows the hours; the kiosk's volunteer screen
shows the year's board and, for the scanned ticket, the member's own hours. The home screen's tiles, all nine
switched on, do not overlap and are touch-sized."""

from __future__ import annotations

import itertools
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.gui.conftest import configure_defaults, enrol_kiosk
from tests.gui.test_gui_checkin import _simulator_settings
from tests.server.calls import enrolled_terminal
from tests.server.checkin_calls import attendee, checkin_record, published_event, send_records, ticket_text
from tests.server.console.console_client import ConsoleClient

pytestmark = pytest.mark.gui


def _team(server) -> tuple[ConsoleClient, int]:
    client = ConsoleClient(server)
    assert client.sign_in().status_code == 200
    made = client.submit("/volunteers/teams/new", "/volunteers/teams/new",
                         {"name_zh": "青年志愿者服务队", "name_en": "Youth Volunteer Team", "active": "on"})
    return client, int(re.search(r"/volunteers/teams/(\d+)", made.url).group(1))


def test_a_volunteer_checks_in_and_out_at_the_kiosk_and_the_hours_reach_the_console(run_scenario, gui_server, tmp_path):
    configure_defaults(gui_server, {"checkin": {"scanner": {"kind": "simulator"}}})
    client, team_id = _team(gui_server)
    now = datetime.now(UTC).replace(microsecond=0)
    event = published_event(gui_server, title_zh="疏导交通", title_en="Traffic help", volunteer_team_id=team_id,
                            starts_at=(now - timedelta(hours=1)).isoformat(), ends_at=(now + timedelta(hours=2)).isoformat(),
                            opens_at=(now - timedelta(hours=2)).isoformat(), closes_at=(now + timedelta(hours=2)).isoformat())
    arriving, leaving = (attendee(gui_server, event["id"], "张小明", "13800138001"),
                         attendee(gui_server, event["id"], "李志愿", "13800138002"))
    tickets = {"in": ticket_text(gui_server, event["id"], arriving["id"]),
               "out": ticket_text(gui_server, event["id"], leaving["id"])}
    east = enrolled_terminal(gui_server, name="东门 1 号机")
    send_records(east, checkin_record(tickets["out"], now - timedelta(minutes=40)))
    enrol_kiosk(gui_server, "GUI 志愿服务机", tmp_path / "data")

    seen = run_scenario("volunteer_checks_out_and_sees_their_hours", env={"KIOSK_TEST_TICKETS": json.dumps(tickets)},
                        settings_text=_simulator_settings())

    assert seen["ready"]
    target, tiles = seen["target"], seen["tiles"]
    assert len(tiles) == 9  # every module is on by default since the merges (#12, #13, #20)
    for (x1, y1, w1, h1), (x2, y2, w2, h2) in itertools.combinations(tiles, 2):
        assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
    assert all(w >= target and h >= target for *_xy, w, h in tiles)
    checked_in, checked_out, again = seen["scans"]
    assert (checked_in["kind"], checked_in["mode"], checked_in["lines"][0]) == ("welcome", "online", "张*明")
    assert (checked_out["kind"], checked_out["mode"], checked_out["lines"][0]) == ("checked_out", "online", "李*愿")
    assert re.search(r"：服务 0 小时 4[01] 分钟$", checked_out["lines"][1]), checked_out["lines"]
    assert again["kind"] == "already" and again["lines"][0].startswith("已于")

    page = client.page(f"/volunteers/activities/{event['id']}").text
    assert re.search(r'id="activity-hours">0\.7<', page), "40 minutes of 李志愿, 张小明 not yet out"
    assert page.count("no check-out") == 1

    board = seen["board"]
    assert board["screen"] == "volunteers" and board["status"] == ""
    assert board["totals"][1] == ["1", "志愿者（人）"] and board["totals"][2][0] == "0.7"
    assert board["activities"] == ["疏导交通"] and board["qr"] == [True]
    assert board["teams"] == ["青年志愿者服务队"]
    lookup = seen["lookup"]
    assert lookup["screen"] == "volunteers", "the ticket went to the hours panel, not to check-in"
    assert lookup["lines"][0].startswith("李*愿：") and "服务 0.7 小时" in lookup["lines"][0]
    assert seen["lookup_after_close"] == "closed"
