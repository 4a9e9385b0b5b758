"""The public event pages over real HTTP, as a phone's browser uses them: self-registration → the ticket page
and its QR, phone check-in with the rotating code; escaping, CSRF, rate limits, stale codes."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from PIL import Image

from common import rotating_code
from services.devices.scanner import decode_frame
from tests.server.calls import enrolled_terminal
from tests.server.checkin_calls import attendee, checkins_of, published_event, scan_online

HOSTILE_NAME = '<script>alert("x")</script>'


# Every test posts many forms; the one about the limit sets its own.
pytestmark = pytest.mark.server_settings(event_form_posts_per_minute=1000)


def _form(browser: requests.Session, url: str) -> tuple[requests.Response, str]:
    page = browser.get(url, timeout=30)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    return page, found.group(1) if found else ""


def _reason(page: requests.Response) -> str | None:
    found = re.search(r'id="message" data-reason="([a-z_]+)"', page.text)
    return found.group(1) if found else None


def test_a_visitor_registers_on_the_phone_page_and_gets_an_escaped_ticket_page_with_a_working_qr(live_server):
    server = live_server
    terminal = enrolled_terminal(server)
    event = published_event(server, title_zh="讲座 <b>粗体</b>", capacity=2)
    browser = requests.Session()
    page, token = _form(browser, f"{server.url}/e/{event['id']}")
    assert page.status_code == 200 and token
    assert "讲座 &lt;b&gt;粗体&lt;/b&gt;" in page.text and "<b>粗体" not in page.text

    refused = browser.post(f"{server.url}/e/{event['id']}", data={"csrf_token": token, "name": "", "phone": "12345"},
                           timeout=30)
    assert refused.status_code == 400
    assert {"error-name", "error-phone", "error-consent"} <= set(re.findall(r'id="(error-[a-z]+)"', refused.text))
    token = re.search(r'name="csrf_token" value="([^"]+)"', refused.text).group(1)

    done = browser.post(f"{server.url}/e/{event['id']}", allow_redirects=False, timeout=30, data={
        "csrf_token": token, "name": HOSTILE_NAME, "phone": "138 0013 8000", "organisation": "<i>org</i>",
        "consent": "yes"})
    assert done.status_code == 303 and re.fullmatch(r"/t/[A-Za-z0-9_-]{32}", done.headers["location"])
    ticket_page = requests.get(server.url + done.headers["location"], timeout=30)
    assert ticket_page.status_code == 200
    assert "<script>alert" not in ticket_page.text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in ticket_page.text
    assert "138****8000" in ticket_page.text and "13800138000" not in ticket_page.text
    assert ticket_page.headers["Referrer-Policy"] == "no-referrer" and ticket_page.headers["Cache-Control"] == "no-store"
    image = requests.get(server.url + done.headers["location"] + "/ticket.png", timeout=30)
    assert image.headers["content-type"] == "image/png"
    code = decode_frame(Image.open(io.BytesIO(image.content)))[0]
    assert scan_online(terminal, code)["kind"] == "welcome"
    listed = server.admin("GET", f"/admin/events/{event['id']}/attendees").json()
    assert [(a["name"], a["organisation"], a["source"]) for a in listed] == [(HOSTILE_NAME, "<i>org</i>", "self")]

    _, token = _form(browser, f"{server.url}/e/{event['id']}")
    twice = browser.post(f"{server.url}/e/{event['id']}", timeout=30, data={
        "csrf_token": token, "name": "别人", "phone": "13800138000", "consent": "yes"})
    assert twice.status_code == 409 and _reason(twice) == "phone_taken" and "/t/" not in twice.text

    forged = requests.post(f"{server.url}/e/{event['id']}", timeout=30, data={  # no cookie: another site's form
        "csrf_token": token, "name": "李四", "phone": "13900139000", "consent": "yes"})
    assert forged.status_code == 403 and _reason(forged) == "form_expired"
    assert len(server.admin("GET", f"/admin/events/{event['id']}/attendees").json()) == 1

    attendee(server, event["id"], "王五", "13700137000")  # the second of two places
    assert _reason(browser.get(f"{server.url}/e/{event['id']}", timeout=30)) == "full"
    draft = server.admin("POST", "/admin/events", json={**_fields(event), "title_zh": "草稿"}).json()
    assert browser.get(f"{server.url}/e/{draft['id']}", timeout=30).status_code == 404
    assert requests.get(f"{server.url}/t/not-a-token", timeout=30).status_code == 404
    assert requests.get(f"{server.url}/t/not-a-token/ticket.png", timeout=30).status_code == 404


def _fields(event: dict) -> dict:
    return {key: event[key] for key in ("title_zh", "title_en", "starts_at", "ends_at", "opens_at", "closes_at")}


def test_phone_checkin_with_the_rotating_code_and_a_stale_code_refused(live_server):
    server = live_server
    terminal = enrolled_terminal(server, "T1 大堂 1 号机")
    event = published_event(server)
    attendee(server, event["id"], "张三丰", "13800138000")
    bundle = terminal.call("GET", "/terminal/checkin").json()
    secret_text = next(e for e in bundle["events"] if e["id"] == event["id"])["phone_secret"]
    secret = base64.urlsafe_b64decode(secret_text + "=" * (-len(secret_text) % 4))
    browser = requests.Session()

    stale = rotating_code.current_code(secret, event["id"], datetime.now(UTC) - timedelta(minutes=10))
    page = browser.get(f"{server.url}/m/{event['id']}", params={"t": stale}, timeout=30)
    assert page.status_code == 403 and _reason(page) == "stale_code"
    assert browser.get(f"{server.url}/m/{event['id']}", params={"t": "<script>"}, timeout=30).status_code == 403

    code = rotating_code.current_code(secret, event["id"], datetime.now(UTC))
    page, token = _form(browser, f"{server.url}/m/{event['id']}?t={code}")
    assert page.status_code == 200 and token
    unknown = browser.post(f"{server.url}/m/{event['id']}", data={"csrf_token": token, "t": code,
                                                                  "phone": "13900139000"}, timeout=30)
    assert unknown.status_code == 404 and 'id="error-phone"' in unknown.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', unknown.text).group(1)
    welcome = browser.post(f"{server.url}/m/{event['id']}", data={"csrf_token": token, "t": code,
                                                                  "phone": "13800138000"}, timeout=30)
    assert welcome.status_code == 200 and 'data-kind="welcome"' in welcome.text
    assert "张**" in welcome.text and "张三丰" not in welcome.text
    again = browser.post(f"{server.url}/m/{event['id']}", data={"csrf_token": token, "t": code,
                                                                "phone": "13800138000"}, timeout=30)
    assert 'data-kind="already"' in again.text and 'id="prior"' in again.text
    late = browser.post(f"{server.url}/m/{event['id']}", data={"csrf_token": token, "t": stale,
                                                               "phone": "13800138000"}, timeout=30)
    assert late.status_code == 403 and _reason(late) == "stale_code"

    rows = checkins_of(server, event["id"])
    assert sorted((r["mode"], r["server_verdict"]) for r in rows) == [("phone", "already"), ("phone", "welcome")]
    assert terminal.call("GET", "/terminal/checkin").json()["recent"][0]["terminal_name"] == "手机签到"


@pytest.mark.server_settings(event_form_posts_per_minute=3)
def test_public_form_posts_are_rate_limited_per_address(live_server):
    event = published_event(live_server)
    answers = [requests.post(f"{live_server.url}/e/{event['id']}", data={"name": "x"}, timeout=30) for _ in range(4)]
    assert [a.status_code for a in answers] == [403, 403, 403, 429]
    assert _reason(answers[-1]) == "rate_limited" and int(answers[-1].headers["Retry-After"]) >= 1
