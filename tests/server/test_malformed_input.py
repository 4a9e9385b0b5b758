"""Each class of input that once made the server answer 500, now refused with a clear 4xx, on both databases:
integers too large for the database in paths, queries and bodies (before and after authentication), age filters
beyond any date, a forged ticket claiming an event id no table holds, and the public phone pages. Errors have
one JSON shape on the API and a friendly page on the phone pages and the console, each with its request id."""

from __future__ import annotations

import requests

from common import tickets
from common.wire import MAX_ID
from tests.server.calls import enrolled_terminal, heartbeat_body
from tests.server.checkin_calls import scan_online
from tests.server.console.console_client import ConsoleClient

BEYOND_64_BITS = 2**64
BEYOND_ID = MAX_ID + 1


def _assert_api_error(reply: requests.Response, status_code: int) -> dict:
    assert reply.status_code == status_code, reply.text
    body = reply.json()
    assert body["detail"]
    assert body["request_id"] == reply.headers["X-Request-ID"]
    return body


def test_ids_beyond_the_database_are_refused_before_and_after_authentication(live_server):
    for path in (f"/admin/events/{BEYOND_64_BITS}", f"/admin/terminals/{BEYOND_ID}",
                 f"/admin/feedback/{BEYOND_64_BITS}", f"/admin/commands/{BEYOND_64_BITS}/screenshot"):
        # Without a token the answer is the same whatever the id: nothing is looked up for a stranger.
        stranger = requests.get(live_server.api_url(path), timeout=30)
        assert _assert_api_error(stranger, 401)["detail"] == "not authenticated"
        invalid = _assert_api_error(live_server.admin("GET", path), 422)
        assert invalid["detail"][0]["loc"][0] == "path"  # FastAPI's list of field errors, as before
    assert live_server.admin("GET", f"/admin/terminals/{MAX_ID}").status_code == 404
    reply = live_server.admin("GET", "/admin/records", params={"terminal_id": BEYOND_64_BITS})
    _assert_api_error(reply, 422)
    reply = live_server.admin("POST", "/admin/events", json={
        "title_zh": "讲座", "title_en": "Talk", "starts_at": "2030-01-01T09:00:00Z", "ends_at": "2030-01-01T10:00:00Z",
        "opens_at": "2030-01-01T08:00:00Z", "closes_at": "2030-01-01T10:00:00Z", "all_terminals": False,
        "terminal_ids": [BEYOND_64_BITS]})
    _assert_api_error(reply, 422)


def test_a_terminal_sending_numbers_beyond_the_database_is_refused(live_server):
    terminal = enrolled_terminal(live_server)
    for fields in ({"config_version": BEYOND_ID}, {"outbox_depth": BEYOND_64_BITS}, {"free_disk_bytes": BEYOND_64_BITS},
                   {"last_command": {"command_id": BEYOND_64_BITS, "ok": True}}):
        _assert_api_error(terminal.call("POST", "/terminal/heartbeat", json=heartbeat_body(**fields)), 422)
    reply = terminal.call("PUT", f"/terminal/commands/{BEYOND_64_BITS}/screenshot", data=b"\x89PNG\r\n\x1a\n",
                          headers={"Content-Type": "image/png"})
    _assert_api_error(reply, 422)
    assert terminal.heartbeat().status_code == 200  # the terminal itself carries on


def test_a_forged_ticket_claiming_an_event_id_no_table_holds_is_just_forged(live_server):
    terminal = enrolled_terminal(live_server)
    forged = tickets.issue(tickets.SigningKey.generate(1), event_id=2**40, ticket_id=2**62)
    assert scan_online(terminal, forged)["kind"] == "forged"


def test_age_filters_and_limits_beyond_any_date_are_refused(live_server):
    for params in ({"newer_than_hours": 373063102}, {"older_than_hours": BEYOND_64_BITS}, {"limit": BEYOND_64_BITS}):
        _assert_api_error(live_server.admin("GET", "/admin/feedback", params=params), 422)
    _assert_api_error(live_server.admin("GET", "/admin/audit", params={"limit": 2**31}), 422)
    reply = live_server.admin("GET", "/admin/feedback", params={"older_than_hours": 100 * 365 * 24})
    assert reply.status_code == 200 and reply.json() == []


def test_the_public_pages_answer_a_friendly_page_in_both_languages(live_server):
    for path in (f"/e/{BEYOND_64_BITS}", f"/m/{BEYOND_64_BITS}?t=12345678", f"/e/{BEYOND_64_BITS}/x", "/t/"):
        reply = requests.get(live_server.url + path, timeout=30)
        assert 400 <= reply.status_code < 500, (path, reply.status_code)
        assert reply.headers["content-type"].startswith("text/html")
        assert 'id="error"' in reply.text and "请" in reply.text and "check" in reply.text, reply.text
        assert reply.headers["X-Request-ID"] and "Traceback" not in reply.text
    posted = requests.post(f"{live_server.url}/e/{BEYOND_64_BITS}", data={"name": "张三"}, timeout=30)
    assert posted.status_code == 422 and 'id="error"' in posted.text


def test_the_console_answers_a_page_in_its_language(live_server):
    console = ConsoleClient(live_server)
    assert console.sign_in().status_code == 200
    page = console.page(f"/terminals/{BEYOND_64_BITS}")
    assert page.status_code == 422 and 'id="error"' in page.text and "Not valid" in page.text
    console.page("/language/zh_CN")
    missing = console.page("/no-such-page")
    assert missing.status_code == 404 and "未找到" in missing.text and missing.headers["X-Request-ID"]
    assert console.page("/feedback", params={"terminal_id": "9" * 30}).status_code == 200


def test_a_proxys_request_id_is_kept_and_an_unknown_path_is_json(live_server):
    reply = requests.get(live_server.api_url("/no-such-call"), headers={"X-Request-ID": "lb-1234567890"}, timeout=30)
    assert _assert_api_error(reply, 404)["request_id"] == "lb-1234567890"
    # Anything but a sane id is replaced: it is copied into the log and a header.
    reply = requests.get(live_server.api_url("/no-such-call"), headers={"X-Request-ID": "x\tinjected"}, timeout=30)
    assert _assert_api_error(reply, 404)["request_id"] != "x\tinjected"


def test_wrong_pairing_secrets_polled_again_and_again_are_rate_limited(live_server):
    code, secret = "246813", "s" * 40
    started = requests.post(live_server.api_url("/enrolment/pairings"), timeout=30,
                            json={"code": code, "secret": secret, "app_version": "0.1.0-test"})
    assert started.status_code == 201

    def poll(with_secret: str) -> requests.Response:
        return requests.post(live_server.api_url(f"/enrolment/pairings/{code}/poll"), json={"secret": with_secret},
                             timeout=30)

    # The kiosk that started the pairing polls as often as it likes.
    assert all(poll(secret).json()["status"] == "pending" for _ in range(15))
    answers = [poll("w" * 40).status_code for _ in range(12)]
    assert 404 in answers and answers[-1] == 429, answers
    limited = poll(secret)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
