"""In real headless Chromium: a week of visits synced by a terminal on the Usage page (counts, heat map, charts),
then an operator adds a search that found nothing as an alias of a service; screenshots for the README."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.server.calls import DEADLINE_SECONDS, enrolled_terminal
from tests.server.console.browser import chromium
from tests.server.console.console_client import create_operator
from tests.server.console.test_console_browser import SCREENSHOTS
from tests.server.feedback_data import send
from tests.server.usage_data import search, view, visit_record

SERVICES = ("RS-001", "RS-002", "GJJ-001", "SC-001", "RS-005", "GJJ-002")
MISSED = ("驾驶证换证", "宠物医院", "停车缴费")


def _week(now: datetime) -> list[dict]:
    """Visits over the last 7 days in office hours, busier mornings, some searches finding nothing."""
    chance = random.Random(20)
    visits = []
    for n in range(140):
        day = now - timedelta(days=chance.randrange(7))
        started = day.replace(hour=chance.choice((1, 1, 2, 2, 2, 3, 5, 6, 7, 8)), minute=chance.randrange(60))
        code = chance.choice(SERVICES)
        views = (view(code, chance.choice(("search", "popular", "department", "life_event")),
                      qr_shown=chance.random() < 0.5, printed=chance.random() < 0.2),)
        searches = (search(MISSED[n % 3]),) if n % 4 == 0 else (search("社保", 4, (code,), code),)
        visits.append(visit_record(started, chance.randrange(20, 240), language="en" if n % 9 == 0 else "zh_CN",
                                   large_text=n % 7 == 0, views=views, searches=searches,
                                   ended=chance.choice(("idle", "home", "finished"))))
    return visits


def _wait(browser, condition):
    return WebDriverWait(browser, DEADLINE_SECONDS, poll_frequency=0.2).until(condition)


def test_the_usage_page_in_the_browser_and_an_alias_added_from_it(live_server):
    password = create_operator(live_server)
    terminal = enrolled_terminal(live_server)
    send(terminal, *_week(datetime.now(UTC).replace(microsecond=0)))
    with chromium(1440, 2600) as browser:
        browser.get(f"{live_server.url}/console/login")
        browser.find_element(By.ID, "username").send_keys("operator")
        browser.find_element(By.ID, "password").send_keys(password)
        browser.find_element(By.ID, "sign-in").click()
        _wait(browser, lambda b: b.current_url.endswith("/console/terminals"))
        browser.find_element(By.CSS_SELECTOR, "#menu-services summary").click()  # the menu's drop-down
        browser.find_element(By.ID, "nav-usage").click()
        _wait(browser, lambda b: b.find_elements(By.ID, "chart-heat"))
        assert browser.find_element(By.ID, "fact-visits").text == "140"
        assert browser.find_element(By.ID, "fact-views").text == "140"
        assert len(browser.find_elements(By.CSS_SELECTOR, "#chart-heat rect")) == 7 * 24
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / "console-usage.png"))
        browser.find_element(By.ID, "searches-link").click()
        _wait(browser, lambda b: b.find_elements(By.ID, "search-gaps"))
        row = browser.find_element(By.CSS_SELECTOR, 'tr.gap[data-query="宠物医院"]')
        Select(row.find_element(By.NAME, "service_code")).select_by_value("SC-001")
        row.find_element(By.CSS_SELECTOR, ".alias-form button").click()
        _wait(browser, lambda b: b.find_elements(By.ID, "done"))
        row = browser.find_element(By.CSS_SELECTOR, 'tr.gap[data-query="宠物医院"]')
        assert not row.find_elements(By.CSS_SELECTOR, ".alias-form") and row.find_elements(By.CSS_SELECTOR, ".badge")
        browser.set_window_size(1440, 900)
        browser.save_screenshot(str(SCREENSHOTS / "console-usage-searches.png"))
    gaps = {g["query"]: g for g in live_server.admin("GET", "/admin/usage/search-gaps").json()}
    assert set(gaps) == set(MISSED) and gaps["宠物医院"]["action"] == "alias"
