"""The live attendance page in real headless Chromium: its script polls the JSON and the counter goes up as real
terminals check a ticket in, the offline duplicate marked. Saves screenshots of the event pages to docs/screenshots/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By

from tests.server.calls import enrolled_terminal
from tests.server.checkin_calls import (
    attendee,
    checkin_record,
    published_event,
    scan_online,
    send_records,
    ticket_text,
)
from tests.server.console.browser import chromium
from tests.server.console.test_console_browser import SCREENSHOTS, _sign_in, _wait


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


def _full_page_screenshot(browser, name: str) -> None:
    frame = browser.execute_script("return window.outerHeight - window.innerHeight")
    browser.set_window_size(1440, browser.execute_script("return document.documentElement.scrollHeight") + frame)
    browser.save_screenshot(str(SCREENSHOTS / name))
    browser.set_window_size(1440, 1000)


def test_the_live_counter_goes_up_as_terminals_check_in(live_server, browser):
    event = published_event(live_server, capacity=120, title_zh="社保政策宣讲会", title_en="Social insurance briefing")
    zhang = attendee(live_server, event["id"], name="张三", phone="13800138000", organisation="人社局")
    attendee(live_server, event["id"], name="李四", phone="13700137000", organisation="税务局")
    text = ticket_text(live_server, event["id"], zhang["id"])
    east, west = enrolled_terminal(live_server, name="T1 大堂东"), enrolled_terminal(live_server, name="T1 大堂西")
    _sign_in(browser, live_server)
    browser.get(f"{live_server.url}/console/language/zh_CN")
    browser.get(f"{live_server.url}/console/events/{event['id']}/live")
    assert browser.find_element(By.ID, "count-checked-in").text == "0"
    assert browser.find_element(By.ID, "count-registered").text == "2"

    now = datetime.now(UTC)
    assert scan_online(east, text, now - timedelta(minutes=2))["kind"] == "welcome"
    _wait(browser, lambda b: b.find_element(By.ID, "count-checked-in").text == "1")
    _wait(browser, lambda b: "张三" in b.find_element(By.ID, "scan-rows").text)
    send_records(west, checkin_record(text, now - timedelta(minutes=1)))  # offline at West: a duplicate
    flagged = _wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#scan-rows tr.flag-duplicate"))
    assert "T1 大堂西" in flagged[0].text and "重复签到" in flagged[0].text
    assert browser.find_element(By.ID, "count-checked-in").text == "1"
    assert browser.find_element(By.ID, "count-duplicates").text == "1"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _full_page_screenshot(browser, "console-event-live-zh_CN.png")
    browser.get(f"{live_server.url}/console/events")
    _full_page_screenshot(browser, "console-events-zh_CN.png")
    browser.get(f"{live_server.url}/console/language/en")
    browser.get(f"{live_server.url}/console/events/{event['id']}")
    _full_page_screenshot(browser, "console-event.png")
    browser.get(f"{live_server.url}/console/events/{event['id']}/edit")
    browser.find_element(By.ID, "f-title_zh").clear()
    browser.find_element(By.ID, "save-event").click()  # the form is novalidate: the server's error shows
    _wait(browser, lambda b: b.find_element(By.ID, "error-title_zh"))
    _full_page_screenshot(browser, "console-event-edit.png")
