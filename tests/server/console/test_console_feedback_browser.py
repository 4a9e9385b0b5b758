"""In real headless Chromium: an operator finds a synced feedback item in the inbox, accepts it and writes
the public reply; the visitor's phone page (status page, phone-sized window) then shows that reply."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.server.calls import DEADLINE_SECONDS, enrolled_terminal
from tests.server.console.browser import chromium
from tests.server.console.console_client import create_operator
from tests.server.console.test_console_browser import SCREENSHOTS
from tests.server.feedback_data import feedback_record, send

REPLY = "已安排物业维修，今天 15:00 前恢复供水。"
# More items, so that the inbox and the statistics in the README's screenshots show something.
OTHERS = (("service_rating", "窗口等候时间太长", 2), ("service_rating", "", 5), ("service_rating", "", 4),
          ("order", "地下车库入口有积水", None), ("micro_wish", "希望大堂增加饮水机", None), ("service_rating", "", 1))


def _wait(browser, condition):
    return WebDriverWait(browser, DEADLINE_SECONDS, poll_frequency=0.2).until(condition)


def test_an_operator_replies_in_the_browser_and_the_phone_page_shows_it(live_server):
    password = create_operator(live_server)
    terminal = enrolled_terminal(live_server)
    send(terminal, sent := feedback_record("repair", text="12 楼茶水间停水了"))
    send(terminal, *(feedback_record(category, text=text, rating=rating) for category, text, rating in OTHERS))
    tracking, code = sent["payload"]["tracking_number"], sent["payload"]["check_code"]
    with chromium() as browser:
        browser.get(f"{live_server.url}/console/login")
        browser.find_element(By.ID, "username").send_keys("operator")
        browser.find_element(By.ID, "password").send_keys(password)
        browser.find_element(By.ID, "sign-in").click()
        _wait(browser, lambda b: b.current_url.endswith("/console/terminals"))
        # The menu: the Services group opens its drop-down, which lists the inbox.
        browser.find_element(By.CSS_SELECTOR, "#menu-services summary").click()
        browser.find_element(By.ID, "nav-feedback").click()
        browser.find_element(By.LINK_TEXT, tracking).click()
        _wait(browser, lambda b: b.find_element(By.ID, "tracking").text == tracking)
        browser.find_element(By.ID, "to-accepted").click()
        _wait(browser, lambda b: b.find_elements(By.ID, "to-in_progress"))
        browser.find_element(By.ID, "f-reply").send_keys(REPLY)
        browser.find_element(By.CSS_SELECTOR, "#reply-form button[type=submit]").click()
        _wait(browser, lambda b: b.find_elements(By.ID, "public-reply"))
        assert browser.find_element(By.ID, "public-reply").text == REPLY
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / "console-feedback-item.png"))
        browser.find_element(By.CSS_SELECTOR, "#menu-services summary").click()
        browser.find_element(By.ID, "nav-feedback").click()
        _wait(browser, lambda b: b.find_elements(By.LINK_TEXT, tracking))
        browser.save_screenshot(str(SCREENSHOTS / "console-feedback-inbox.png"))
        browser.get(f"{live_server.url}/console/feedback/stats")
        _wait(browser, lambda b: b.find_elements(By.TAG_NAME, "svg"))
        browser.save_screenshot(str(SCREENSHOTS / "console-feedback-stats.png"))
    with chromium(390, 844) as phone:
        phone.get(f"{live_server.url}/s/{tracking}?c={code}&lang=zh")
        assert phone.find_element(By.ID, "reply").text == REPLY
        assert phone.find_element(By.ID, "status").text == "已受理"
        # No sideways scrolling (headless Chromium keeps windows at least 500 px wide).
        assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        phone.save_screenshot(str(SCREENSHOTS / "status-page.png"))
