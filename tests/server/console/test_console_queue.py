"""Queue numbers over real HTTP: a kiosk's desk takes a number and hears the call within one poll, the window
page calls and finishes it, the lobby display and the phone page show it, the slip is rated at a kiosk and on
the phone, the statistics count it; hostile input on every form and forged or other slips."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from common.queue_wire import slip_token
from services.queue.desk import Offline, QueueDesk
from services.sync.api import ServerApi
from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient
from tests.server.queue_calls import SOCIAL_SECURITY_CARD, open_all_day, window_of

SCRIPT = "<script>alert(1)</script>"


def _desk(server) -> QueueDesk:
    terminal = enrolled_terminal(server)
    api = ServerApi(server.url, terminal.token)
    return QueueDesk(lambda: api)


def _console(server) -> ConsoleClient:
    client = ConsoleClient(server)
    client.sign_in()
    return client


def test_a_number_is_taken_called_shown_served_rated_and_counted(live_server):
    window = window_of(open_all_day(live_server), SOCIAL_SECURITY_CARD)
    desk = _desk(live_server)
    assert desk.new_calls() == []  # the first poll learns where the calls stand
    issued = desk.take(SOCIAL_SECURITY_CARD, "13800138000", "zh_CN")
    second = desk.take(SOCIAL_SECURITY_CARD, None, "zh_CN")
    assert issued.number == f"{window['letter']}001" and second.people_ahead == 1
    token = slip_token(issued.follow_url)
    assert token and issued.follow_url.startswith(live_server.url)

    console = _console(live_server)
    page = f"/queue/windows/{window['id']}"
    assert issued.number in console.page(page).text
    console.submit(page, f"{page}/call")
    # The kiosk hears the call within one poll.
    calls = desk.new_calls()
    assert [(c.number, c.window_label, c.recall) for c in calls] == [(issued.number, "3", False)]
    display = requests.get(f"{live_server.url}/q/display.json", timeout=30).json()
    assert display["calls"][0]["number"] == issued.number
    assert display["next"][0]["number"] == second.number
    assert "Now calling" in requests.get(f"{live_server.url}/q/display?lang=en", timeout=30).text
    phone = requests.get(issued.follow_url, timeout=30)
    assert 'id="called"' in phone.text
    assert desk.slip(token).state == "called"
    console.submit(page, f"{page}/recall")
    assert [c.recall for c in desk.new_calls()] == [True]
    console.submit(page, f"{page}/served")

    # Rated at the kiosk by scanning the slip: an unhappy rating needs its reason.
    assert desk.slip(token).state == "served"
    rated = desk.rate(token, 2, "等候时间太长", "zh_CN")
    assert rated.state == "rated" and rated.number == issued.number
    assert desk.slip(token).state == "rated"
    inbox = live_server.admin("GET", "/admin/feedback?category=service_rating").json()
    assert len(inbox) == 1 and inbox[0]["rating"] == 2 and issued.number in inbox[0]["text"]
    assert inbox[0]["due_at"] is not None

    stats = console.page("/queue/stats")
    assert stats.status_code == 200 and "Application for a Social Security Card" in stats.text
    rows = list(csv.reader(io.StringIO(console.page("/queue/stats.csv").content.decode("utf-8-sig"))))
    overall = next(row for row in rows if row[0] == "all")
    assert overall[2:5] == ["2", "1", "0"]


def test_the_phone_page_rates_a_served_number_and_refuses_bad_ratings(live_server):
    window = window_of(open_all_day(live_server), SOCIAL_SECURITY_CARD)
    desk = _desk(live_server)
    issued = desk.take(SOCIAL_SECURITY_CARD, None, "en")
    console = _console(live_server)
    page = f"/queue/windows/{window['id']}"
    console.submit(page, f"{page}/call")
    console.submit(page, f"{page}/served")
    state = requests.get(issued.follow_url + "/state.json", timeout=30).json()
    assert (state["state"], state["people_ahead"]) == ("served", 0)
    rate_url = issued.follow_url + "/rating"
    for bad in ({"rating": "9"}, {"rating": SCRIPT}, {"rating": "1", "reason": "   "}, {}):
        refused = requests.post(rate_url, data=bad, timeout=30)
        assert refused.status_code == 422 and SCRIPT not in refused.text
    long_reason = requests.post(rate_url, data={"rating": "1", "reason": "差" * 501}, timeout=30)
    assert long_reason.status_code == 422
    done = requests.post(rate_url, data={"rating": "1", "reason": SCRIPT, "lang": "en"}, timeout=30)
    assert done.status_code == 200 and 'id="rated"' in done.text
    again = requests.post(rate_url, data={"rating": "5"}, timeout=30)
    assert again.status_code == 422
    item = live_server.admin("GET", "/admin/feedback?category=service_rating").json()[0]
    assert item["reason"] == SCRIPT and item["rating"] == 1  # stored as sent, shown escaped
    assert SCRIPT not in console.page(f"/feedback/{item['id']}").text


@pytest.mark.parametrize("text", [
    "LK:" + "A" * 100,  # an event ticket: another kind of pass
    "https://evil.example.org/q/short",
    "https://kiosk.example.org/q/" + "A" * 21 + "!",
    SCRIPT,
    "",
])
def test_other_kinds_of_code_are_no_queue_slip(text):
    assert slip_token(text) is None


def test_forged_slips_and_hostile_forms_get_clear_answers(live_server):
    window = window_of(open_all_day(live_server), SOCIAL_SECURITY_CARD)
    desk = _desk(live_server)
    forged = "Zz" * 11
    assert desk.slip(forged).state == "unknown"
    assert desk.rate(forged, 5, "", "zh_CN").state == "unknown"
    assert requests.get(f"{live_server.url}/q/{forged}", timeout=30).status_code == 404
    assert requests.get(f"{live_server.url}/q/{SCRIPT}", timeout=30).status_code == 404
    waiting = desk.take(SOCIAL_SECURITY_CARD, None, "zh_CN")
    assert isinstance(desk.rate(slip_token(waiting.follow_url), 5, "", "zh_CN"), Offline)  # 409: not served yet
    assert desk.take("NO-SUCH", None, "zh_CN").reason == "unknown_service"
    terminal = enrolled_terminal(live_server, name="T2")
    for body in ({"service_code": SOCIAL_SECURITY_CARD, "phone": "12345"},
                 {"service_code": SCRIPT * 10}, {"service_code": ""}, {}):
        reply = terminal.call("POST", "/terminal/queue/numbers", json=body)
        assert reply.status_code in (409, 422)
    assert terminal.call("GET", "/terminal/queue/calls?after=-1").status_code == 422

    console = _console(live_server)
    settings = f"/queue/windows/{window['id']}/settings"
    for bad in ({"staff": SCRIPT * 5, "opens": "08:30", "closes": "17:00", "daily_limit": "10"},
                {"staff": "", "opens": "8点", "closes": "17:00", "daily_limit": "10"},
                {"staff": "", "opens": "08:30", "closes": "17:00", "daily_limit": "0"}):
        refused = console.submit("/queue", settings, bad)
        assert refused.status_code == 422 and "field-error" in refused.text and SCRIPT not in refused.text
    saved = console.submit("/queue", settings, {"is_open": "1", "staff": SCRIPT, "opens": "00:00",
                                                "closes": "24:00", "daily_limit": "5"})
    assert saved.status_code == 200 and SCRIPT not in saved.text and "&lt;script&gt;" in saved.text
    page = f"/queue/windows/{window['id']}"
    refused = console.submit(page, f"{page}/recall")  # nobody called yet
    assert "No number is called to this window." in refused.text or "没有" in refused.text
    console.submit(page, f"{page}/call")
    moved = console.submit(page, f"{page}/transfer", {"to": "99999999999999"})
    assert moved.status_code == 200 and waiting.number in moved.text  # refused: still at this window
    assert console.submit(page, f"{page}/explode").status_code == 404
    assert console.page("/queue/stats?since=" + SCRIPT).status_code == 200
