"""Feedback end to end through the real kiosk window and a real server on loopback: typed in pinyin and
submitted while the server is down, it reaches the inbox exactly once when the server is back; an
operator's public reply and status then show on the public status page, and only with the right code."""

from __future__ import annotations

import re

import pytest
import requests

from common.wire import FEEDBACK_TRACKING_PATTERN
from tests.gui.conftest import enrol_kiosk
from tests.server.console.console_client import ConsoleClient

pytestmark = pytest.mark.gui

REPLY = "维修师傅已到场，今日 17:00 前恢复供水。"


@pytest.fixture
def server(gui_server):
    return gui_server


@pytest.fixture
def kiosk_env(server, server_control, tmp_path):
    """The kiosk enrolled with the server; its scenario has the server stopped and started."""
    enrol_kiosk(server, "GUI 反馈机", tmp_path / "data")
    return server_control


def _status_page(server, tracking: str, code: str) -> requests.Response:
    return requests.get(f"{server.url}/s/{tracking}", params={"c": code}, timeout=30)


def test_feedback_typed_offline_reaches_the_inbox_once_and_its_reply_shows_on_the_status_page(
        run_scenario, server, kiosk_env):
    seen = run_scenario("feedback_e2e_repair_submitted_offline_then_synced", env=kiosk_env)
    assert seen["online_before"] is True
    assert seen["after_category"] == "feedback_text"
    assert seen["typed"] == "停水维修"
    assert seen["after_phone"] == "feedback_review"
    assert seen["after_send"] == "feedback_receipt"
    tracking, code = seen["tracking_number"], seen["check_code"]
    assert re.match(FEEDBACK_TRACKING_PATTERN, tracking) and re.fullmatch(r"[0-9]{6}", code)
    assert tracking in seen["receipt_texts"]
    assert f"{code[:3]} {code[3:]}" in seen["receipt_texts"], "the check code, in groups of three for reading"
    assert seen["status_url"] == f"{server.url}/s/{tracking}?c={code}"
    assert seen["outbox_while_offline"] >= 1, "submitted while the server was down: kept in the outbox"
    assert seen["outbox_after"] == 0
    assert seen["after_done"] == "home"

    # Exactly once in the inbox, through the API and on the console page.
    listed = server.admin("GET", "/admin/feedback").json()
    (item,) = [row for row in listed if row["tracking_number"] == tracking]
    assert len(listed) == 1
    assert (item["category"], item["text"], item["rating"], item["phone"], item["status"]) == (
        "repair", "停水维修", None, None, "new")
    assert item["terminal_name"] == "GUI 反馈机"
    console = ConsoleClient(server)
    console.sign_in()
    inbox = console.page("/feedback")
    assert inbox.status_code == 200
    assert inbox.text.count(tracking) == 1

    # Before any reply the status page knows the item, with nothing to say yet.
    before = _status_page(server, tracking, code)
    assert before.status_code == 200 and 'id="no-reply"' in before.text

    # An operator replies publicly and resolves it.
    server.admin("PUT", f"/admin/feedback/{item['id']}/reply", json={"text": REPLY}).raise_for_status()
    for status in ("accepted", "resolved"):
        server.admin("POST", f"/admin/feedback/{item['id']}/transition", json={"to": status}).raise_for_status()

    page = _status_page(server, tracking, code)
    assert page.status_code == 200
    assert re.search(rf'id="tracking">{tracking}<', page.text)
    assert re.search(r'id="status">已办结<', page.text)
    assert REPLY in page.text
    assert "停水维修" not in page.text, "what the visitor wrote is not on the public page"

    wrong = _status_page(server, tracking, f"{(int(code) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 404 and 'id="not-found"' in wrong.text
    assert REPLY not in wrong.text and tracking not in wrong.text
