"""The terminals pages over real HTTP: list and detail, enrolment with code and QR, revocation behind a
confirm step, pairing approval, and the latest screenshot streamed from the database."""

from __future__ import annotations

import base64
import html
import io
import re
import secrets

import requests
from PIL import Image

from tests.server.calls import APP_VERSION, enrolled_terminal, redeem
from tests.server.console.console_client import ConsoleClient


def _signed_in(server) -> ConsoleClient:
    client = ConsoleClient(server)
    client.sign_in()
    return client


def test_the_list_shows_status_from_heartbeats(live_server):
    quiet = enrolled_terminal(live_server, name="Quiet one", location="Basement")
    busy = enrolled_terminal(live_server, name="Busy one", location="Lobby east", group="lobby")
    assert busy.heartbeat(outbox_depth=7, current_screen="guide", config_version=0).status_code == 200
    rows = _signed_in(live_server).page("/terminals/rows").text
    busy_row = re.search(rf'<tr data-terminal="{busy.id}">.*?</tr>', rows, re.DOTALL).group(0)
    quiet_row = re.search(rf'<tr data-terminal="{quiet.id}">.*?</tr>', rows, re.DOTALL).group(0)
    assert "Online" in busy_row and "Lobby east" in busy_row and "lobby" in busy_row and ">7<" in busy_row
    assert "printer: ok" in busy_row and "guide" in busy_row and APP_VERSION in busy_row
    assert "Offline" in quiet_row and "Online" not in quiet_row


def test_enrolment_shows_a_code_that_a_kiosk_can_redeem(live_server):
    client = _signed_in(live_server)
    page = client.submit("/terminals", "/terminals", {"name": "New kiosk", "location": "Floor 2", "group": "upstairs"})
    assert page.status_code == 200
    code = re.search(r'id="enrolment-code">([A-Z0-9-]+)<', page.text).group(1)
    qr = re.search(r'src="data:image/png;base64,([^"]+)"', page.text).group(1)
    assert Image.open(io.BytesIO(base64.b64decode(qr))).size[0] > 100
    credential = redeem(live_server, code)
    assert credential.status_code == 200
    assert credential.json()["name"] == "New kiosk"


def test_revocation_asks_first_then_stops_the_credential(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    confirm = client.page(f"/terminals/{terminal.id}/revoke")
    assert 'id="confirm-revoke"' in confirm.text
    assert terminal.heartbeat().status_code == 200  # the confirm page alone revokes nothing
    client.submit(f"/terminals/{terminal.id}/revoke", f"/terminals/{terminal.id}/revoke")
    assert terminal.heartbeat().status_code == 401
    assert "Revoked" in client.page(f"/terminals/{terminal.id}").text


def test_a_pending_pairing_is_approved_from_the_list(live_server):
    secret = secrets.token_urlsafe(32)
    started = requests.post(live_server.api_url("/enrolment/pairings"), timeout=30,
                            json={"code": "482913", "secret": secret, "app_version": APP_VERSION})
    assert started.status_code == 201
    client = _signed_in(live_server)
    assert "482913" in client.page("/terminals").text
    reply = client.submit("/terminals", "/pairings/482913/approve", {"name": "Paired", "location": "Gate"})
    assert reply.status_code == 200 and "Paired" in reply.text
    poll = requests.post(live_server.api_url("/enrolment/pairings/482913/poll"), json={"secret": secret}, timeout=30)
    assert poll.json()["status"] == "approved" and poll.json()["credential"]["name"] == "Paired"


def test_commands_have_their_forms_and_history_and_refuse_bad_arguments(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    detail = client.page(f"/terminals/{terminal.id}").text
    for kind in ("sync_now", "reload_config", "restart", "screenshot", "show_message", "out_of_service", "in_service"):
        assert f'id="command-{kind}"' in detail
    client.submit(f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/commands",
                  {"kind": "out_of_service", "text_zh": "维护中", "text_en": "Maintenance"})
    bad = client.submit(f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/commands",
                        {"kind": "show_message", "text_zh": "", "text_en": "", "seconds": "2"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    delivered = terminal.call("GET", "/terminal/commands").json()
    assert [(c["kind"], c["args"]) for c in delivered] == [
        ("out_of_service", {"message": {"zh": "维护中", "en": "Maintenance"}})]
    history = client.page(f"/terminals/{terminal.id}").text
    table = re.search(r'<table class="data" id="command-history">.*?</table>', history, re.DOTALL).group(0)
    assert "Out of service" in table and "delivered" in table


_BUTTON_WORDS = {
    "en": {"sync_now": "Sync now", "reload_config": "Reload configuration", "restart": "Restart",
           "screenshot": "Screenshot", "in_service": "Back in service"},
    "zh_CN": {"sync_now": "同步", "reload_config": "重新加载配置", "restart": "重启", "screenshot": "截屏",
              "in_service": "恢复服务"},
}


def test_the_command_buttons_are_labelled_in_words_in_both_languages(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    for lang, words in _BUTTON_WORDS.items():
        client.page(f"/language/{lang}")
        detail = client.page(f"/terminals/{terminal.id}").text
        for kind, word in words.items():
            form = re.search(rf'<form[^>]*id="command-{kind}".*?</form>', detail, re.DOTALL).group(0)
            assert re.search(r"<button[^>]*>(.*?)</button>", form, re.DOTALL).group(1).strip() == word
        titles = re.findall(r"<h3>(.*?)</h3>", detail)
        assert titles == (["Show a message", "Out of service"] if lang == "en" else ["显示消息", "暂停服务"])


def test_the_latest_screenshot_is_shown_and_streamed(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    client.submit(f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/commands", {"kind": "screenshot"})
    command = terminal.call("GET", "/terminal/commands").json()[0]
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), (200, 30, 30)).save(buffer, format="PNG")
    upload = terminal.call("PUT", f"/terminal/commands/{command['id']}/screenshot", data=buffer.getvalue(),
                           headers={"Content-Type": "image/png"})
    assert upload.status_code == 204
    detail = client.page(f"/terminals/{terminal.id}").text
    src = html.unescape(re.search(r'class="screenshot" src="([^"]+)"', detail).group(1))
    image = client.get(live_server.url + src, timeout=30)
    assert image.headers["content-type"] == "image/png" and image.content == buffer.getvalue()
    assert requests.get(live_server.url + src, allow_redirects=False, timeout=30).status_code == 303


def test_uploaded_logs_are_shown_escaped_and_only_for_their_command(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    assert 'id="uploaded-log"' in client.page(f"/terminals/{terminal.id}").text  # with its "none yet" words
    client.submit(f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/commands", {"kind": "upload_logs"})
    command = terminal.call("GET", "/terminal/commands").json()[0]
    assert (command["kind"], command["args"]) == ("upload_logs", {"lines": 500})
    log = "2026-12-05 09:00:01 WARNING kiosk.sync: <script>alert(1)</script>\n"
    wrong = terminal.call("PUT", f"/terminal/commands/{command['id']}/logs", data=log.encode(),
                          headers={"Content-Type": "image/png"})
    assert wrong.status_code == 415
    upload = terminal.call("PUT", f"/terminal/commands/{command['id']}/logs", data=log.encode(),
                           headers={"Content-Type": "text/plain; charset=utf-8"})
    assert upload.status_code == 204
    too_big = terminal.call("PUT", f"/terminal/commands/{command['id']}/logs", data=b"x" * (256 * 1024 + 1),
                            headers={"Content-Type": "text/plain"})
    assert too_big.status_code == 413
    shown = client.page(f"/terminals/{terminal.id}").text.split('id="uploaded-log"')[1].split("</section>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script>" not in shown
    other = enrolled_terminal(live_server, name="T2 南门")
    assert other.call("PUT", f"/terminal/commands/{command['id']}/logs", data=b"x",
                      headers={"Content-Type": "text/plain"}).status_code == 404


def _pairing(server, code: str) -> str:
    """A kiosk showing ``code`` asks to be paired; its secret."""
    secret = secrets.token_urlsafe(32)
    started = requests.post(server.api_url("/enrolment/pairings"), timeout=30,
                            json={"code": code, "secret": secret, "app_version": APP_VERSION})
    assert started.status_code == 201
    return secret


def _poll(server, code: str, secret: str) -> dict:
    return requests.post(server.api_url(f"/enrolment/pairings/{code}/poll"), json={"secret": secret}, timeout=30).json()


def _audited(server, action: str) -> list[dict]:
    return [entry for entry in server.admin("GET", "/admin/audit").json() if entry["action"] == action]


def test_a_pairing_is_rejected_with_a_reason_that_its_kiosk_is_told(live_server):
    secret = _pairing(live_server, "730418")
    client = _signed_in(live_server)
    blank = client.submit("/terminals", "/pairings/730418/reject", {"reason": "   "})
    assert blank.status_code == 422
    assert 'id="reject-730418-reason"' in blank.text and 'aria-describedby="error-reject-730418-reason"' in blank.text
    assert 'id="error-reject-730418-reason"' in blank.text and _poll(live_server, "730418", secret)["status"] == "pending"

    reason = "Not our building <b>T9</b>"
    client.submit("/terminals", "/pairings/730418/reject", {"reason": reason})
    assert 'id="pairing-730418"' not in client.page("/terminals").text
    assert _poll(live_server, "730418", secret) == {"status": "rejected", "credential": None, "reason": reason}
    [entry] = _audited(live_server, "pairing.reject")
    assert entry["target"] == "pairing:730418" and entry["detail"]["reason"] == reason
    assert html.escape(reason) in client.page("/audit").text


def test_a_lost_pairing_reply_or_enrolment_code_is_reissued_to_the_same_terminal(live_server):
    terminal = enrolled_terminal(live_server, name="Lost reply")
    secret = _pairing(live_server, "208417")  # the kiosk lost its credential and shows a new code
    client = _signed_in(live_server)
    unchosen = client.submit("/terminals", "/pairings/208417/reissue", {"terminal": ""})
    assert unchosen.status_code == 422 and 'id="error-reissue-208417-terminal"' in unchosen.text

    client.submit("/terminals", "/pairings/208417/reissue", {"terminal": str(terminal.id)})
    assert terminal.heartbeat().status_code == 401  # the old credential stopped at once
    collected = _poll(live_server, "208417", secret)["credential"]
    assert (collected["terminal_id"], collected["name"]) == (terminal.id, "Lost reply")
    terminal.token = collected["token"]
    assert terminal.heartbeat().status_code == 200
    [entry] = _audited(live_server, "pairing.reissue")
    assert entry["target"] == f"terminal:{terminal.id}" and entry["detail"]["code"] == "208417"

    # A lost one-time code: a new one replaces it.
    first = client.submit(f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/enrolment-code")
    again = client.submit(f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/enrolment-code")
    old_code, new_code = (re.search(r'id="enrolment-code">([A-Z0-9-]+)<', page.text).group(1) for page in (first, again))
    assert redeem(live_server, old_code).status_code == 404 and redeem(live_server, new_code).status_code == 200
    assert _audited(live_server, "terminal.enrolment_code")[0]["detail"]["codes_replaced"] == 1


def test_enrol_and_approve_errors_stand_beside_their_fields_with_what_was_typed(live_server):
    _pairing(live_server, "551902")
    client = _signed_in(live_server)
    enrol = client.submit("/terminals", "/terminals", {"name": " ", "location": "Floor <2>", "group": "t1/east"})
    assert enrol.status_code == 422
    for field in ("name", "group"):
        assert f'aria-describedby="error-enrol-{field}"' in enrol.text and f'id="error-enrol-{field}"' in enrol.text
    assert 'value="Floor &lt;2&gt;"' in enrol.text and 'value="t1/east"' in enrol.text
    assert "error-enrol-location" not in enrol.text and "error-pair-" not in enrol.text

    approve = client.submit("/terminals", "/pairings/551902/approve", {"name": "Gate", "location": "", "group": ""})
    assert approve.status_code == 422
    assert 'aria-describedby="error-pair-551902-location"' in approve.text and 'value="Gate"' in approve.text
    assert live_server.admin("GET", "/admin/terminals").json() == []
