"""The console's volunteer pages over real HTTP: a team and a member made through their forms (hostile and bad
input refused beside the field, everything escaped), a volunteer activity whose ticket a terminal checks in and
out, the hours on the activity, team and overview pages, a forgotten check-out set by hand (bad minutes and
reasons refused, audited), the CSV exports with spreadsheet formulas defused; and the terminal's board."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from tests.server.calls import enrolled_terminal
from tests.server.checkin_calls import attendee, published_event, scan_online, ticket_text
from tests.server.console.console_client import ConsoleClient

HOSTILE = "<script>alert(1)</script>"


def test_teams_members_activity_hours_and_exports(live_server):
    client = ConsoleClient(live_server)
    assert client.sign_in().status_code == 200

    refused = client.submit("/volunteers/teams/new", "/volunteers/teams/new",
                            {"name_zh": "", "name_en": "x" * 121, "description_zh": "y" * 5000})
    assert refused.status_code == 422
    assert 'id="error-name_zh"' in refused.text and 'id="error-description_zh"' in refused.text
    made = client.submit("/volunteers/teams/new", "/volunteers/teams/new",
                         {"name_zh": f"青年志愿者服务队{HOSTILE}", "name_en": f"Youth team{HOSTILE}", "active": "on"})
    assert made.status_code == 200 and HOSTILE not in made.text and "&lt;script&gt;" in made.text
    team_path = re.search(r"/volunteers/teams/(\d+)", made.url).group(0)
    team_id = int(team_path.rsplit("/", 1)[1])

    for bad, field in (({"name": HOSTILE, "phone": "12345"}, "phone"), ({"name": "", "phone": "13800138000"}, "name"),
                       ({"name": "x" * 81, "phone": "13800138000"}, "name")):
        reply = client.submit(team_path, f"{team_path}/members", bad)
        assert reply.status_code == 422 and f'id="error-{field}"' in reply.text and HOSTILE not in reply.text
    for name, phone in (("=HYPERLINK(\"http://x\")", "13700137000"), ("王小明", "13800138000")):
        assert client.submit(team_path, f"{team_path}/members", {"name": name, "phone": phone, "leader": "on"}).ok
    taken = client.submit(team_path, f"{team_path}/members", {"name": "李四", "phone": "13800138000"})
    assert taken.status_code == 422 and 'id="error-phone"' in taken.text

    now = datetime.now(UTC).replace(microsecond=0)
    event = published_event(live_server, title_zh="疏导交通", title_en="Traffic help", volunteer_team_id=team_id,
                            starts_at=(now - timedelta(hours=2)).isoformat(), ends_at=(now + timedelta(hours=1)).isoformat(),
                            opens_at=(now - timedelta(hours=3)).isoformat(), closes_at=(now + timedelta(hours=1)).isoformat())
    came, forgot = (attendee(live_server, event["id"], "王小明", "13800138000"),
                    attendee(live_server, event["id"], "赵六", "13600136000"))
    terminal = enrolled_terminal(live_server)
    code = ticket_text(live_server, event["id"], came["id"])
    assert scan_online(terminal, code, now - timedelta(minutes=95))["kind"] == "welcome"
    assert scan_online(terminal, code, now - timedelta(minutes=5))["kind"] == "checked_out"
    scan_online(terminal, ticket_text(live_server, event["id"], forgot["id"]), now - timedelta(minutes=60))

    activity_path = f"/volunteers/activities/{event['id']}"
    page = client.page(activity_path).text
    assert 'id="activity-hours">1.5<' in page and "no check-out" in page
    row = f"/volunteers/activities/{event['id']}/hours/{forgot['id']}"
    for bad, field in (({"minutes": "-1", "reason": "忘记签退"}, "minutes"), ({"minutes": "99999", "reason": "x"}, "minutes"),
                       ({"minutes": "abc", "reason": "x"}, "minutes"), ({"minutes": "30", "reason": ""}, "reason"),
                       ({"minutes": "30", "reason": "r" * 201}, "reason")):
        reply = client.submit(activity_path, row, bad)
        assert reply.status_code == 422 and f'id="error-{field}"' in reply.text, bad
    set_by_hand = client.submit(activity_path, row, {"minutes": "60", "reason": f"忘记签退{HOSTILE}"})
    assert set_by_hand.status_code == 200 and HOSTILE not in set_by_hand.text
    assert 'id="activity-hours">2.5<' in set_by_hand.text
    assert client.submit(activity_path, f"/volunteers/activities/{event['id']}/hours/{2**31 - 1}",
                         {"minutes": "1", "reason": "x"}).status_code == 404
    audit = client.page("/audit").text
    assert "volunteer.hours_edit" in audit

    overview = client.page("/volunteers").text
    assert 'id="total-hours">2.5<' in overview and HOSTILE not in overview
    team_page = client.page(team_path).text
    assert "13800138000" in team_page  # the console shows phones in full
    members = list(csv.DictReader(io.StringIO(client.page("/volunteers/members.csv").text.lstrip("\ufeff"))))
    hours = {row["name"]: row["hours"] for row in members}
    assert (hours["王小明"], hours["赵六"], hours["'=HYPERLINK(\"http://x\")"]) == ("1.5", "1.0", "0.0")
    teams = list(csv.DictReader(io.StringIO(client.page("/volunteers/teams.csv").text.lstrip("\ufeff"))))
    assert [row["hours"] for row in teams if row["team"].startswith("青年")] == ["2.5"]

    board = terminal.call("GET", "/terminal/volunteers").json()
    card = next(card for card in board["teams"] if card["id"] == team_id)
    assert (card["leader"], card["members"], board["totals"]["hours"]) == ("=***)", 2, 2.5)
    assert "13800138000" not in str(board)
    mine = terminal.call("POST", "/terminal/volunteers/hours", json={"code": code}).json()
    assert (mine["kind"], mine["name"], mine["hours"]) == ("found", "王*明", 1.5)
    assert terminal.call("POST", "/terminal/volunteers/hours", json={"code": "x" * 600}).status_code == 422
