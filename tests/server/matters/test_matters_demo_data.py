"""``kiosk-server demo-data`` gives the terminals a living 楼事楼办 board: the eight settled matters of the centre's
story, open ones, and the convention of ten-plus items."""

from __future__ import annotations

import re

from tests.server.calls import Terminal, redeem


def test_demo_data_fills_the_board_with_the_centres_matters_and_convention(live_server):
    printed = live_server.run_cli("demo-data").stdout
    assert "11 building matters" in printed
    enrolment = re.findall(r"enrolment code ([A-Z2-9]{4}-[A-Z2-9]{4})", printed)[0]
    board = Terminal(live_server, redeem(live_server, enrolment).json()).call("GET", "/terminal/matters").json()
    titles = {matter["title"] for matter in board["resolved"]}
    assert len(titles) == 8 and {"百胜员工就业政策咨询", "楼内企业之间交流太少", "写字楼停水", "外卖送餐乱摆乱放"} <= titles
    assert all(m["resolution"] and m["unit_name"] and m["meeting_title"] for m in board["resolved"])
    assert {m["status"] for m in board["open"]} == {"raised", "assigned", "in_progress"}
    assert [m["raised_by"] for m in board["open"] if m["status"] == "in_progress"] == ["张*"]
    assert board["convention"]["title"] == "富力共识" and len(board["convention"]["items"]) >= 10
