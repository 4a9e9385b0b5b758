"""Micro-wishes end to end through the real kiosk window, a real server on loopback and a real browser: a wish
typed on the kiosk's pinyin keyboard while the server is down goes through the outbox; an operator publishes it
in the console with public wording; the wall shows it; a volunteer claims and fulfils it on the phone page in
headless Chromium; the kiosk's wall then shows it fulfilled with the team's thanks, and never the poster's text."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.gui.conftest import control_directory, enrol_kiosk
from tests.server.console.browser import chromium
from tests.server.console.console_client import ConsoleClient
from tests.server.console.test_console_browser import _wait
from tests.server.wish_calls import centre_teams

pytestmark = pytest.mark.gui

WISH_TITLE = "周五帮忙修自行车"


def test_a_wish_typed_offline_is_published_claimed_in_a_browser_fulfilled_and_the_wall_follows(
        run_scenario, gui_server, tmp_path):
    server = gui_server
    teams = centre_teams(server)
    enrol_kiosk(server, "GUI 心愿机", tmp_path / "data")
    console = ConsoleClient(server)
    found: dict = {}

    def publish():
        console.sign_in()
        queue = console.page("/wishes").text
        found["id"] = int(re.search(r'href="/console/wishes/(\d+)"', queue).group(1))
        page = console.submit(f"/wishes/{found['id']}", f"/wishes/{found['id']}/publish",
                              {"title": WISH_TITLE, "for_whom": "T2 楼一位职工"})
        assert page.status_code == 200, page.text[-2000:]

    def claim_and_fulfil():
        with chromium(width=400, height=900) as phone:
            phone.get(f"{server.url}/w/{found['id']}")
            phone.find_element(By.ID, "name").send_keys("王志愿")
            phone.find_element(By.ID, "phone").send_keys("13912345678")
            Select(phone.find_element(By.ID, "team")).select_by_value(str(teams["good-deed"]))
            phone.find_element(By.ID, "consent").click()
            phone.find_element(By.ID, "claim").click()
            # Each click posts a form: read the answer once its page has loaded, not the page before it.
            found["claimed_page"] = _wait(phone, lambda b: b.find_element(By.ID, "claimed").text)
            phone.find_element(By.ID, "note").send_keys("周五中午在车库修好了")
            phone.find_element(By.ID, "fulfil").click()
            found["thanks"] = _wait(phone, lambda b: b.find_element(By.ID, "thanks").text)

    with control_directory(tmp_path, {"stop": server.stop, "start": server.start, "publish": publish,
                                      "claim_and_fulfil": claim_and_fulfil}) as env:
        seen = run_scenario("wishes_e2e_typed_offline_published_claimed_fulfilled", env=env, timeout=400)

    assert seen["after_post_button"] == "feedback_text", "the wall's button starts a micro-wish"
    assert seen["typed"] == "自行车修理"
    assert seen["outbox_while_offline"] >= 1
    wishes = server.admin("GET", "/admin/feedback").json()
    assert [(item["category"], item["text"]) for item in wishes] == [("micro_wish", "自行车修理")]
    assert wishes[0]["tracking_number"] == seen["tracking_number"]

    assert seen["published_card"]["status"] == "open" and seen["published_card"]["for_whom"] == "T2 楼一位职工"
    assert "等待志愿者认领" in seen["published_texts"] and "自行车修理" not in seen["published_texts"]
    assert "认领成功" in found["claimed_page"] and "心愿已实现" in found["thanks"]
    assert seen["fulfilled_card"]["status"] == "fulfilled"
    assert "江湾日行一善志愿服务队 已帮助实现，谢谢！" in seen["fulfilled_texts"]
    assert "王志愿" not in " ".join(seen["fulfilled_texts"]) and "13912345678" not in " ".join(seen["fulfilled_texts"])
    # The poster's receipt (the feedback item) followed the wish to its end.
    assert server.admin("GET", "/admin/feedback").json()[0]["status"] == "resolved"
