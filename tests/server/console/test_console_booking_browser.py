"""A space's week calendar in real headless Chromium: bookings made at a kiosk, one checked in and one released
as a no-show, shown with their states; a staff cancellation through the page frees the slot for the kiosks.
Saves docs/screenshots/console-booking-calendar.png (in Chinese)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By

from server.booking import bookings
from server.core.db import make_engine, make_session_factory
from tests.server.calls import enrolled_terminal
from tests.server.console.browser import chromium
from tests.server.console.test_console_browser import SCREENSHOTS, _sign_in, _wait

ZONE = ZoneInfo("Asia/Shanghai")
ROOM = {"name_zh": "商务洽谈室", "name_en": "Business meeting room", "place": "T3 楼 1107 室", "capacity": 8,
        "opens": "09:00", "closes": "17:00", "weekdays": "01234", "slot_minutes": 60, "max_minutes_per_day": 120,
        "days_ahead": 14}
PEOPLE = (("张伟", "华东设计院", "13800138001"), ("王芳", "明德律师事务所", "13900139002"),
          ("李娜", "星河科技有限公司", "13700137003"), ("刘洋", "", "15000150004"))


def _next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


def test_the_week_calendar_shows_check_in_states_and_cancels(live_server):
    space = live_server.admin("POST", "/admin/booking/spaces", json=ROOM).json()
    kiosk = enrolled_terminal(live_server)
    monday = _next_monday()
    made = []
    for n, (name, company, phone) in enumerate(PEOPLE):
        start = datetime.combine(monday + timedelta(days=(0, 0, 1, 2)[n]), datetime.min.time(), ZONE).replace(hour=9 + 2 * n)
        made.append(kiosk.call("POST", "/terminal/booking/bookings", json={
            "id": str(uuid.uuid4()), "space_id": space["id"], "starts_at": start.isoformat(), "name": name,
            "company": company, "phone": phone, "slots": 1 + n % 2}).json()["booking"])
    engine = make_engine(live_server.database_url)  # the first visitor came, the second did not (as if it were then)
    try:
        with make_session_factory(engine)() as db:
            first, second = (datetime.fromisoformat(made[i]["starts_at"]) for i in (0, 1))
            assert bookings.check_in(db, made[0]["pass_text"], [], "T1 大堂 1 号机", first + timedelta(minutes=3)).kind \
                == "welcome"
            assert bookings.release_no_shows(db, second + timedelta(minutes=20)) == 1
            db.commit()
    finally:
        engine.dispose()
    with chromium(1440, 1000) as browser:
        _sign_in(browser, live_server)
        browser.get(f"{live_server.url}/console/language/zh_CN")
        browser.get(f"{live_server.url}/console/booking/{space['id']}?week={monday.isoformat()}")
        states = {b.get_attribute("data-booking"): b.get_attribute("data-state")
                  for b in browser.find_elements(By.CSS_SELECTOR, "#calendar .booking")}
        assert states == {str(made[0]["booking_id"]): "checked_in", str(made[1]["booking_id"]): "released",
                          str(made[2]["booking_id"]): "booked", str(made[3]["booking_id"]): "booked"}
        assert "13900139002" in browser.find_element(By.ID, "calendar").text
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        frame = browser.execute_script("return window.outerHeight - window.innerHeight")
        browser.set_window_size(1440, browser.execute_script("return document.documentElement.scrollHeight") + frame)
        browser.save_screenshot(str(SCREENSHOTS / "console-booking-calendar.png"))
        browser.find_element(By.CSS_SELECTOR, f'[data-booking="{made[3]["booking_id"]}"] button').click()
        _wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR,
                                                 f'[data-booking="{made[3]["booking_id"]}"][data-state="cancelled"]'))
    grid = kiosk.call("GET", "/terminal/booking/slots").json()["spaces"][0]["days"]
    freed = datetime.fromisoformat(made[3]["starts_at"])
    day = next(d for d in grid if d["day"] == freed.astimezone(ZONE).date().isoformat())
    assert next(s for s in day["slots"] if datetime.fromisoformat(s["starts_at"]) == freed)["state"] == "free"
