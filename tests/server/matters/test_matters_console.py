"""Building matters over a real server: a kiosk proposal reaches the console, is raised, assigned at a meeting,
resolved and shows on the terminal's board (ETag, masked names); the convention's versions; hostile input on every
form gets a clear error beside its field and is shown escaped."""

from __future__ import annotations

import re

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient
from tests.server.feedback_data import feedback_record, send

SCRIPT = "<script>alert(1)</script>"


def _board(terminal, etag: str | None = None):
    headers = {"If-None-Match": f'"{etag}"'} if etag else {}
    return terminal.call("GET", "/terminal/matters", headers=headers)


def _id_after(reply, prefix: str) -> int:
    assert reply.status_code == 200, reply.text[:500]
    found = re.search(rf"{prefix}/(\d+)", reply.url)
    assert found, reply.url
    return int(found.group(1))


def test_a_kiosk_proposal_is_raised_assigned_at_a_meeting_resolved_and_shown_on_the_board(live_server):
    terminal = enrolled_terminal(live_server)
    send(terminal, feedback_record("proposal", text="外卖送餐乱摆乱放\n大堂门口每天中午堆满外卖，希望设置外卖柜。"))
    empty = _board(terminal)
    assert empty.status_code == 200 and empty.json()["open"] == [] and empty.json()["convention"] is None
    tag = empty.json()["etag"]
    assert _board(terminal, tag).status_code == 304
    assert terminal.heartbeat().json()["matters_etag"] == tag

    client = ConsoleClient(live_server)
    client.sign_in()
    listing = client.page("/matters")
    assert "外卖送餐乱摆乱放" in listing.text and 'id="proposals"' in listing.text
    item_id = int(re.search(r'action="/console/matters/from-feedback/(\d+)"', listing.text).group(1))
    matter_id = _id_after(client.submit("/matters", f"/matters/from-feedback/{item_id}"), "/console/matters")
    # Raising it again (a second click, the feedback page's button) opens the same matter.
    assert _id_after(client.submit(f"/feedback/{item_id}", f"/matters/from-feedback/{item_id}"),
                     "/console/matters") == matter_id
    assert 'id="proposals"' not in client.page("/matters").text

    meeting_id = _id_after(client.submit("/meetings", "/meetings", {
        "title": "2026年3月楼事楼议联席会议", "held_on": "2026-03-10", "place": "T3 楼 1107 室", "attendees": "运营方、物业方"}),
        "/console/meetings")
    agenda = client.page(f"/meetings/{meeting_id}").text
    assert f'id="matter-{matter_id}"' in agenda
    decided = client.submit(f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/decide", {
        "matter_id": str(matter_id), "unit_kind": "property", "unit_name": "富力物业", "deadline": "2026-03-31",
        "decision": "物业方设置外卖取餐架"})
    assert decided.status_code == 200 and "富力物业" in decided.text
    board = _board(terminal, tag)
    assert board.status_code == 200
    shown = board.json()["open"][0]
    assert (shown["status"], shown["unit_kind"], shown["unit_name"], shown["raised_via"], shown["raised_by"]) == (
        "assigned", "property", "富力物业", "kiosk", "")
    assert shown["meeting_title"] == "2026年3月楼事楼议联席会议" and shown["overdue"] is True  # 2026-03-31 has passed

    client.submit(f"/matters/{matter_id}", f"/matters/{matter_id}/notes", {"note": "取餐架已订购", "public": "1"})
    client.submit(f"/matters/{matter_id}", f"/matters/{matter_id}/notes", {"note": "内部：费用由物业承担"})
    assert _board(terminal).json()["open"][0]["progress"] == "取餐架已订购"
    resolved = client.submit(f"/matters/{matter_id}", f"/matters/{matter_id}/resolve",
                             {"resolution": "物业在大堂东侧设置外卖取餐架，骑手统一放置。"})
    assert resolved.status_code == 200 and 'id="resolution"' in resolved.text
    final = _board(terminal).json()
    assert final["open"] == [] and final["resolved"][0]["resolution"].startswith("物业在大堂东侧")
    assert final["counts"]["resolved"] == 1 and final["counts"]["open"] == 0
    history = client.page(f"/matters/{matter_id}").text
    for action in ("matters.raise", "matters.assign", "matters.note", "matters.resolve"):
        assert action in history
    csv_text = client.page("/matters/export.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("id,title") and "富力物业" in csv_text


def test_a_matter_raised_in_the_console_is_masked_on_the_board_and_the_convention_is_versioned(live_server):
    terminal = enrolled_terminal(live_server)
    client = ConsoleClient(live_server)
    client.sign_in()
    matter_id = _id_after(client.submit("/matters", "/matters", {
        "title": "企业之间交流太少", "description": "希望定期举办交流会", "raised_by": "明亚保险经纪"}), "/console/matters")
    shown = _board(terminal).json()["open"][0]
    assert shown["id"] == matter_id and shown["raised_by"] == "明****" and shown["status"] == "raised"
    for version, comment in ((1, "首版"), (2, "增加融合并进")):
        saved = client.submit("/convention", "/convention", {
            "title": "富力共识", "preamble": "入驻企业共同遵守", "comment": comment,
            "items": "公共安全：遵守消防规定\n平安创建：共建平安楼宇" + ("\n融合并进" if version == 2 else "")})
        assert saved.status_code == 200 and f"{version}</td>" in saved.text
    convention = _board(terminal).json()["convention"]
    assert convention["version"] == 2 and [item["title"] for item in convention["items"]] == ["公共安全", "平安创建",
                                                                                               "融合并进"]
    assert convention["items"][0]["text"] == "遵守消防规定"


def test_hostile_input_on_every_form_gets_a_clear_error_and_is_shown_escaped(live_server):
    terminal = enrolled_terminal(live_server)
    send(terminal, feedback_record("proposal", text=SCRIPT + "\n" + "长" * 400))
    client = ConsoleClient(live_server)
    client.sign_in()
    listing = client.page("/matters").text
    assert SCRIPT not in listing and "&lt;script&gt;" in listing
    item_id = re.search(r'action="/console/matters/from-feedback/(\d+)"', listing).group(1)
    from_kiosk = client.submit("/matters", f"/matters/from-feedback/{item_id}")
    assert from_kiosk.status_code == 200 and SCRIPT not in from_kiosk.text
    assert _board(terminal).json()["open"][0]["title"] == SCRIPT  # the kiosk's labels take no markup
    too_long = client.submit("/matters", "/matters", {"title": "长" * 81})
    assert too_long.status_code == 422 and 'id="error-title"' in too_long.text
    assert client.submit("/matters", "/matters", {"title": "  "}).status_code == 422
    matter_id = _id_after(client.submit("/matters", "/matters", {"title": SCRIPT, "description": SCRIPT,
                                                                 "raised_by": "<b>x</b>"}), "/console/matters")
    page = client.page(f"/matters/{matter_id}").text
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<b>x</b>" not in page
    assert SCRIPT not in client.page("/matters").text

    assert client.submit("/matters", "/matters/999999/notes", {"note": "x"}).status_code == 404
    assert client.submit("/matters", "/matters/abc/notes", {"note": "x"}).status_code in (404, 422)
    assert client.submit("/matters", "/matters/from-feedback/999999").status_code == 404
    empty_note = client.submit(f"/matters/{matter_id}", f"/matters/{matter_id}/notes", {"note": ""})
    assert empty_note.status_code == 422 and 'id="error-note"' in empty_note.text
    not_yet = client.submit(f"/matters/{matter_id}", f"/matters/{matter_id}/resolve", {"resolution": "done"})
    assert not_yet.status_code == 422 and 'id="error-resolution"' in not_yet.text
    forged_step = client.submit(f"/matters/{matter_id}", f"/matters/{matter_id}/status", {"to": "resolved"})
    assert forged_step.status_code == 422 and 'id="error-status"' in forged_step.text
    no_reason = client.submit(f"/matters/{matter_id}", f"/matters/{matter_id}/status", {"to": "declined"})
    assert no_reason.status_code == 422 and 'id="error-reason"' in no_reason.text
    no_meeting = client.submit(f"/matters/{matter_id}", f"/matters/{matter_id}/assign",
                               {"meeting_id": "1; DROP TABLE", "unit_kind": "property", "unit_name": "物业"})
    assert no_meeting.status_code == 422 and 'id="error-meeting"' in no_meeting.text

    bad_date = client.submit("/meetings", "/meetings", {"title": "会议", "held_on": "2026-02-30"})
    assert bad_date.status_code == 422 and 'id="error-held_on"' in bad_date.text
    meeting_id = _id_after(client.submit("/meetings", "/meetings", {"title": SCRIPT, "held_on": "2026-04-01"}),
                           "/console/meetings")
    assert SCRIPT not in client.page(f"/meetings/{meeting_id}").text
    assert client.submit("/meetings", f"/meetings/{meeting_id}/decide", {"matter_id": "999999"}).status_code == 404
    bad_unit = client.submit(f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/decide", {
        "matter_id": str(matter_id), "unit_kind": "<script>", "unit_name": "x"})
    assert bad_unit.status_code == 422 and 'id="error-unit_kind"' in bad_unit.text
    early = client.submit(f"/meetings/{meeting_id}", f"/meetings/{meeting_id}/decide", {
        "matter_id": str(matter_id), "unit_kind": "operator", "unit_name": "富力运营", "deadline": "2026-03-01"})
    assert early.status_code == 422 and 'id="error-deadline"' in early.text
    long_minutes = client.submit(f"/meetings/{meeting_id}", f"/meetings/{meeting_id}",
                                 {"title": "会议", "held_on": "2026-04-01", "minutes": "记" * 20_001})
    assert long_minutes.status_code == 422 and 'id="error-minutes"' in long_minutes.text

    long_item = client.submit("/convention", "/convention", {"title": "富力共识", "items": "公共安全：" + "长" * 401})
    assert long_item.status_code == 422 and 'id="error-items"' in long_item.text
    assert client.submit("/convention", "/convention", {"title": "富力共识", "items": ""}).status_code == 422
    saved = client.submit("/convention", "/convention", {"title": SCRIPT, "items": f"{SCRIPT}：{SCRIPT}"})
    assert saved.status_code == 200 and SCRIPT not in saved.text
