"""Space booking in the console over real HTTP: the spaces with their usage, a space's week calendar with each
booking's check-in state and full contact details (escaped), staff cancellation, the editor's errors, closures
and the CSV export (formulas neutralised)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient

ZONE = ZoneInfo("Asia/Shanghai")
SPACE = {"name_zh": "VR 互动体验区", "name_en": "VR corner", "place": "T3 1107", "capacity": 2, "places": 1,
         "opens": "09:00", "closes": "17:00", "weekdays": "0123456", "slot_minutes": 60, "max_minutes_per_day": 120,
         "days_ahead": 7, "release_minutes": 15, "early_minutes": 15}


@pytest.fixture
def console(live_server) -> ConsoleClient:
    client = ConsoleClient(live_server)
    client.sign_in()
    return client


def test_the_calendar_shows_bookings_in_full_and_staff_cancel_edit_and_close(live_server, console):
    space = live_server.admin("POST", "/admin/booking/spaces", json=SPACE).json()
    kiosk = enrolled_terminal(live_server)
    start = datetime.combine(date.today() + timedelta(days=1), datetime.min.time(), ZONE).replace(hour=10)
    made = kiosk.call("POST", "/terminal/booking/bookings", json={
        "id": str(uuid.uuid4()), "space_id": space["id"], "starts_at": start.isoformat(), "name": "<b>王</b>五",
        "company": "=HYPERLINK(\"x\")", "phone": "13600136000"}).json()["booking"]

    listing = console.page("/booking")
    assert listing.status_code == 200 and "VR 互动体验区" in listing.text and f'data-space="{space["id"]}"' in listing.text
    calendar = console.page(f"/booking/{space['id']}?week={start.date().isoformat()}")
    assert calendar.status_code == 200
    assert "&lt;b&gt;王&lt;/b&gt;五" in calendar.text and "<b>王</b>" not in calendar.text
    assert "13600136000" in calendar.text  # the console is where the full number is shown
    assert f'data-booking="{made["booking_id"]}" data-state="booked"' in calendar.text

    cancelled = console.submit(f"/booking/{space['id']}?week={start.date().isoformat()}",
                               f"/booking/{space['id']}/bookings/{made['booking_id']}/cancel", allow_redirects=True)
    assert f'data-booking="{made["booking_id"]}" data-state="cancelled"' in cancelled.text

    bad = console.submit(f"/booking/{space['id']}/edit", f"/booking/{space['id']}/edit", data={
        **{k: str(v) for k, v in SPACE.items() if k != "weekdays"}, "weekdays": ["0", "1"], "opens": "18:00",
        "name_zh": ""})
    assert bad.status_code == 422 and 'id="error-name_zh"' in bad.text and 'id="form-problems"' in bad.text
    saved = console.submit(f"/booking/{space['id']}/edit", f"/booking/{space['id']}/edit", data={
        **{k: str(v) for k, v in SPACE.items() if k != "weekdays"}, "weekdays": ["0", "1", "9"], "active": "on",
        "max_minutes_per_day": "60"})
    assert saved.status_code == 200 and "alert-ok" in saved.text
    rules = live_server.admin("GET", "/admin/booking/spaces").json()[0]
    assert (rules["weekdays"], rules["max_minutes_per_day"]) == ("01", 60)

    refused = console.submit(f"/booking/{space['id']}", f"/booking/{space['id']}/closures",
                             data={"first_day": "2026-13-01", "reason": "x"})
    assert refused.status_code == 422 and 'id="error-first_day"' in refused.text
    closed_day = date.today() + timedelta(days=2)
    console.submit(f"/booking/{space['id']}", f"/booking/{space['id']}/closures",
                   data={"first_day": closed_day.isoformat(), "reason": "设备检修 <i>"})
    grid = kiosk.call("GET", "/terminal/booking/slots").json()["spaces"][0]["days"]
    closed = next(d for d in grid if d["day"] == closed_day.isoformat())
    assert closed["closed_reason"] == "设备检修 <i>" and {s["state"] for s in closed["slots"]} == {"closed"}

    exported = console.page("/booking/export.csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["name"], r["company"], r["phone"], r["status"]) for r in rows] == [
        ("<b>王</b>五", "'=HYPERLINK(\"x\")", "13600136000", "cancelled")]
