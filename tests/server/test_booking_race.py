"""Space booking over real HTTP: two kiosks and a phone book the same slot at the same moment — exactly one wins,
the others are offered the nearest free slot (SQLite and PostgreSQL); the phone pages refuse hostile input with
clear messages and escape what they show."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.server.calls import enrolled_terminal

ZONE = ZoneInfo("Asia/Shanghai")
ROOM = {"name_zh": "商务洽谈室", "name_en": "Business meeting room", "place": "T3 1107", "capacity": 8, "places": 1,
        "opens": "08:00", "closes": "18:00", "weekdays": "0123456", "slot_minutes": 60, "max_minutes_per_day": 120,
        "days_ahead": 7}

pytestmark = pytest.mark.server_settings(event_form_posts_per_minute=1000)


def _space(server, **changes) -> dict:
    reply = server.admin("POST", "/admin/booking/spaces", json={**ROOM, **changes})
    assert reply.status_code == 201, reply.text
    return reply.json()


def _tomorrow_at(hour: int) -> datetime:
    return datetime.combine(date.today() + timedelta(days=1), datetime.min.time(), ZONE).replace(hour=hour)


def _kiosk_booking(terminal, space_id: int, start: datetime, name: str, phone: str) -> dict:
    reply = terminal.call("POST", "/terminal/booking/bookings", json={
        "id": str(uuid.uuid4()), "space_id": space_id, "starts_at": start.isoformat(), "name": name,
        "company": "富力", "phone": phone})
    assert reply.status_code == 200, reply.text
    return reply.json()


def _form(browser: requests.Session, url: str) -> dict[str, str]:
    page = browser.get(url, timeout=30)
    assert page.status_code == 200, page.text
    return dict(re.findall(r'name="(csrf_token|request_id|at)" value="([^"]+)"', page.text))


def _phone_booking(server, browser: requests.Session, fields: dict, space_id: int, **values) -> requests.Response:
    return browser.post(f"{server.url}/b/{space_id}/book", data={**fields, "consent": "yes", **values}, timeout=30,
                        allow_redirects=False)


@pytest.mark.postgresql
def test_two_kiosks_and_a_phone_book_one_slot_at_once_and_exactly_one_wins(live_server):
    server = live_server
    space = _space(server)
    kiosks = [enrolled_terminal(server, f"T{n} 大堂 {n} 号机") for n in (1, 2)]
    wanted = _tomorrow_at(10)
    browser = requests.Session()
    fields = _form(browser, f"{server.url}/b/{space['id']}/book?at={wanted.isoformat().replace('+', '%2B')}")
    results: dict[str, object] = {}
    start = threading.Barrier(3)

    def kiosk(number: int) -> None:
        start.wait()
        results[f"kiosk{number}"] = _kiosk_booking(kiosks[number], space["id"], wanted, f"访客{number}",
                                                   f"1380013800{number}")

    def phone() -> None:
        start.wait()
        results["phone"] = _phone_booking(server, browser, fields, space["id"], name="手机访客", phone="13900139000")

    threads = [threading.Thread(target=kiosk, args=(n,)) for n in (0, 1)] + [threading.Thread(target=phone)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    page = results["phone"]
    assert isinstance(page, requests.Response)
    phone_won = page.status_code == 303
    kiosk_wins = [r for key, r in results.items() if key != "phone" and r["booking"] is not None]  # type: ignore[index]
    assert len(kiosk_wins) + phone_won == 1, results
    nearest = {"starts_at": (wanted + timedelta(hours=1)).isoformat(), "state": "free"}  # 11:00 follows, 09:00 ties
    for key, result in results.items():
        if key == "phone" and not phone_won:
            assert page.status_code == 409 and 'data-reason="taken"' in page.text
            assert re.search(r'id="nearest"[^>]*>[^<]*11:00–12:00', page.text), page.text
        elif key != "phone" and result["booking"] is None:  # type: ignore[index]
            assert result["refused"] == "taken"  # type: ignore[index]
            offered = result["nearest"]  # type: ignore[index]
            assert datetime.fromisoformat(offered["starts_at"]) == datetime.fromisoformat(nearest["starts_at"])
    grid = kiosks[0].call("GET", "/terminal/booking/slots").json()
    day = next(d for d in grid["spaces"][0]["days"] if d["day"] == wanted.date().isoformat())
    states = {datetime.fromisoformat(s["starts_at"]).astimezone(ZONE).hour: s["state"] for s in day["slots"]}
    assert states[10] == "full" and states[11] == "free" and list(states.values()).count("full") == 1


def test_a_booking_asked_twice_with_one_request_id_is_made_once(live_server):
    server = live_server
    space = _space(server)
    kiosk = enrolled_terminal(server)
    body = {"id": str(uuid.uuid4()), "space_id": space["id"], "starts_at": _tomorrow_at(9).isoformat(),
            "name": "张三", "company": "", "phone": "13800138000"}
    first = kiosk.call("POST", "/terminal/booking/bookings", json=body).json()
    again = kiosk.call("POST", "/terminal/booking/bookings", json=body).json()
    assert first["booking"] is not None and again["booking"] == first["booking"]
    assert first["booking"]["masked_phone"] == "138****8000" and first["booking"]["masked_name"] == "张*"
    assert first["booking"]["pass_text"].startswith("LB:")


@pytest.mark.parametrize(("changes", "problem"), [
    ({"name": "   "}, "string_too_short"), ({"name": "a\u202eb"}, "value_error"), ({"name": "x" * 41}, "too_long"),
    ({"phone": "1380013800"}, "pattern"), ({"phone": "23800138000"}, "pattern"), ({"company": "c" * 121}, "too_long"),
    ({"slots": 0}, "greater_than"), ({"space_id": 2**40}, "less_than"), ({"starts_at": "tomorrow"}, "datetime"),
    ({"id": "not-a-uuid"}, "pattern"),
])
def test_the_kiosk_booking_call_refuses_hostile_input_by_field(live_server, changes, problem):
    kiosk = enrolled_terminal(live_server)
    body = {"id": str(uuid.uuid4()), "space_id": 1, "starts_at": _tomorrow_at(9).isoformat(), "name": "张三",
            "company": "", "phone": "13800138000", **changes}
    reply = kiosk.call("POST", "/terminal/booking/bookings", json=body)
    assert reply.status_code == 422
    assert any(problem in item["type"] and item["loc"][-1] in changes for item in reply.json()["detail"]), reply.text


def test_the_phone_pages_escape_refuse_and_let_the_pass_holder_cancel(live_server):
    server = live_server
    space = _space(server, name_zh="洽谈 <b>室</b>", max_minutes_per_day=60)
    browser = requests.Session()
    grid = browser.get(f"{server.url}/b?space={space['id']}", timeout=30)
    assert grid.status_code == 200 and "洽谈 &lt;b&gt;室&lt;/b&gt;" in grid.text and "<b>室" not in grid.text
    at = _tomorrow_at(14).isoformat().replace("+", "%2B")
    fields = _form(browser, f"{server.url}/b/{space['id']}/book?at={at}")
    bad = _phone_booking(server, browser, fields, space["id"], name='<script>alert("x")</script>', phone="12345",
                         consent="")
    assert bad.status_code == 400
    assert 'id="error-phone"' in bad.text and 'id="error-consent"' in bad.text and "<script>alert" not in bad.text
    forged = _phone_booking(server, browser, {**fields, "csrf_token": "forged"}, space["id"], name="李四",
                            phone="13900139000")
    assert forged.status_code == 403 and 'data-reason="form_expired"' in forged.text
    not_a_slot = browser.get(f"{server.url}/b/{space['id']}/book?at=2020-01-01T10:00", timeout=30)
    assert not_a_slot.status_code == 404 and 'data-reason="no_slot"' in not_a_slot.text
    fields = _form(browser, f"{server.url}/b/{space['id']}/book?at={at}")  # each form page sets a new CSRF cookie
    made = _phone_booking(server, browser, fields, space["id"], name="<i>李四</i>", phone="13900139000")
    assert made.status_code == 303
    pass_page = browser.get(server.url + made.headers["location"], timeout=30)
    assert "139****9000" in pass_page.text and "13900139000" not in pass_page.text and "<i>" not in pass_page.text
    assert browser.get(server.url + made.headers["location"] + "/pass.png", timeout=30).headers["content-type"] == \
        "image/png"
    second = _form(browser, f"{server.url}/b/{space['id']}/book?at={_tomorrow_at(15).isoformat().replace('+', '%2B')}")
    over_limit = _phone_booking(server, browser, second, space["id"], name="李四", phone="13900139000")
    assert over_limit.status_code == 409 and 'data-reason="daily_limit"' in over_limit.text
    csrf = _form(browser, server.url + made.headers["location"])["csrf_token"]
    cancelled = browser.post(server.url + made.headers["location"] + "/cancel", data={"csrf_token": csrf}, timeout=30)
    assert cancelled.status_code == 200 and 'id="pass-cancelled"' in cancelled.text
    assert browser.get(server.url + made.headers["location"] + "/pass.png", timeout=30).status_code == 404
    assert browser.get(f"{server.url}/b/p/unknown-token", timeout=30).status_code == 404
