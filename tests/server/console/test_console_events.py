"""The console's event check-in pages over real HTTP (SQLite and PostgreSQL): the event editor with errors beside
the field, CSV import with per-row errors, tickets that decode and verify, revocation behind a confirm page, the
live attendance JSON fed by real terminals (duplicates flagged), the check-in export, escaping, CSRF, who may
enter, and the enrolment QR a kiosk scans."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from PIL import Image

from common import tickets
from server.core.config import ServerSettings
from services.checkin.enrolment_qr import parse_enrolment_qr
from services.devices.scanner import decode_frame
from tests.server.calls import enrolled_terminal, redeem
from tests.server.checkin_calls import (
    attendee,
    checkin_record,
    published_event,
    scan_online,
    send_records,
    ticket_text,
)
from tests.server.console.console_client import ConsoleClient, create_operator, csrf_of
from tests.server.console.form_fields import form_fields, with_values
from tests.server.queue_calls import SOCIAL_SECURITY_CARD, open_all_day

ZONE = ZoneInfo(ServerSettings.model_fields["timezone"].default)
HOSTILE = "<script>alert(1)</script>"


def _signed_in(server, username: str = "admin", password: str | None = None) -> ConsoleClient:
    client = ConsoleClient(server)
    assert client.sign_in(username, password).status_code == 200
    return client


def _local(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


def _good_form(client: ConsoleClient, **changes: str) -> list[tuple[str, str]]:
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    values = {"title_zh": "社保政策宣讲会", "title_en": "Social insurance briefing", "organiser": "人社局",
              "place": "T1 三层多功能厅", "starts_at": _local(start), "ends_at": _local(start + timedelta(hours=2)),
              "opens_at": _local(start - timedelta(hours=1)), "closes_at": _local(start + timedelta(hours=2)),
              "capacity": "80", "status": "draft", **changes}
    return with_values(form_fields(client.page("/events/new").text), values)


def _events(server) -> list[dict]:
    reply = server.admin("GET", "/admin/events")
    assert reply.status_code == 200, reply.text
    return reply.json()


def _field_block(page: str, key: str) -> str:
    """The form field holding the error paragraph for ``key``: from its opening element to the error."""
    end = page.index(f'id="error-{key}"')
    start = max(page.rfind('<div class="field', 0, end), page.rfind('<fieldset class="field', 0, end))
    return page[start:end]


def test_an_event_is_created_published_and_edited_in_its_form(live_server):
    client = _signed_in(live_server)
    typed = _good_form(client)
    reply = client.post(client.url("/events/new"), data=typed, timeout=60)
    assert reply.status_code == 200 and "saved=1" in reply.url
    [event] = _events(live_server)
    assert event["title_zh"] == "社保政策宣讲会" and event["status"] == "draft" and event["capacity"] == 80
    assert event["all_terminals"] is True
    # Times are typed in the event time zone and stored as the same instants.
    assert _local(datetime.fromisoformat(event["starts_at"])) == dict(typed)["starts_at"]

    terminal = enrolled_terminal(live_server, name="大堂东")
    edit = form_fields(client.page(f"/events/{event['id']}/edit").text)
    assert dict(edit)["title_zh"] == "社保政策宣讲会"  # the form shows what is stored
    changes = {"title_en": "Pension briefing", "capacity": "", "status": "published", "offer": "chosen",
               "terminal_ids": str(terminal.id)}
    reply = client.post(client.url(f"/events/{event['id']}/edit"), data=with_values(edit, changes), timeout=60)
    assert reply.status_code == 200, reply.text
    [event] = _events(live_server)
    assert (event["title_en"], event["capacity"], event["status"]) == ("Pension briefing", None, "published")
    assert event["all_terminals"] is False and event["terminal_ids"] == [terminal.id]
    # The terminal now offers it for check-in.
    bundle = terminal.call("GET", "/terminal/checkin").json()
    assert [e["id"] for e in bundle["events"]] == [event["id"]]

    listed = client.page("/events").text
    row = re.search(rf'<tr data-event="{event["id"]}">.*?</tr>', listed, re.DOTALL).group(0)
    assert "社保政策宣讲会" in row and "published" in row and "大堂东" in row
    assert re.search(r'checked-in">0</strong> / <span class="registered">0</span> / <span class="capacity">∞', row)


BAD_VALUES = [
    ({"title_zh": ""}, "title_zh", "This is required."),
    ({"title_en": "x" * 201}, "title_en", "At most 200 characters."),
    ({"capacity": "lots"}, "capacity", "Enter a whole number"),
    ({"capacity": "0"}, "capacity", "The smallest allowed is 1."),
    ({"starts_at": "next tuesday"}, "starts_at", "Enter a date and time"),
    ({"ends_at": "2020-01-01T10:00"}, "ends_at", "The end must be after the start."),
    ({"closes_at": "2020-01-01T10:00"}, "closes_at", "Check-in must close after it opens."),
    ({"offer": "chosen"}, "offer", "Choose at least one terminal"),
    ({"status": "cancelled"}, "status", "the status can become"),
]


def test_a_bad_value_is_refused_beside_its_field_and_nothing_is_saved(live_server):
    client = _signed_in(live_server)
    for changes, field, message in BAD_VALUES:  # one server for all: each start costs seconds
        reply = client.post(client.url("/events/new"), data=_good_form(client, **changes), timeout=60)
        assert reply.status_code == 422, field
        block = _field_block(reply.text, field)
        assert "has-error" in block and f'name="{field}"' in block, field
        assert message in reply.text[reply.text.index(f'id="error-{field}"'):][:300], field
        assert dict(form_fields(reply.text))["organiser"] == "人社局"  # what was typed is kept in the form
    assert _events(live_server) == []


def test_a_published_event_cannot_go_back_to_draft(live_server):
    event = published_event(live_server)
    client = _signed_in(live_server)
    edit = form_fields(client.page(f"/events/{event['id']}/edit").text)
    reply = client.post(client.url(f"/events/{event['id']}/edit"), data=with_values(edit, {"status": "draft"}),
                        timeout=60)
    assert reply.status_code == 422 and "has-error" in _field_block(reply.text, "status")
    assert _events(live_server)[0]["status"] == "published"


def _import(client: ConsoleClient, event_id: int, text: str) -> requests.Response:
    token = csrf_of(client.page(f"/events/{event_id}").text)
    return client.post(client.url(f"/events/{event_id}/attendees/import"), data={"csrf_token": token},
                       files={"file": ("attendees.csv", text.encode("utf-8"), "text/csv")}, timeout=60)


def _attendees(server, event_id: int) -> list[dict]:
    reply = server.admin("GET", f"/admin/events/{event_id}/attendees")
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_an_import_with_bad_rows_lists_them_and_imports_nothing_then_the_fixed_file_imports(live_server):
    event = published_event(live_server)
    client = _signed_in(live_server)
    bad = "姓名,手机,单位\n张三,13800138000,人社局\n李四,12345,税务局\n,13900139000,\n王五,13800138000,\n"
    reply = _import(client, event["id"], bad)
    assert reply.status_code == 422
    table = re.search(r'<table class="data compact" id="row-errors">.*?</table>', reply.text, re.DOTALL).group(0)
    cells = re.findall(r'<tr><td class="num">(\d+)</td><td>(\w*)</td><td>([^<]*)</td></tr>', table)
    assert {(row, column) for row, column, _ in cells} == {("3", "phone"), ("4", "name"), ("5", "phone")}
    assert any("same phone as row 2" in message for *_, message in cells)
    assert _attendees(live_server, event["id"]) == []

    good = "name,phone,organisation\n张三,13800138000,人社局\n李四,13700137000,税务局\n"
    reply = _import(client, event["id"], good)
    assert reply.status_code == 200 and "imported=2" in reply.url
    assert 'id="import-done"' in reply.text and "13700137000" in reply.text  # full numbers in the console
    assert sorted(a["name"] for a in _attendees(live_server, event["id"])) == ["张三", "李四"]
    # The same file again changes nothing.
    assert "imported=0&unchanged=2" in _import(client, event["id"], good).url


def test_a_downloaded_ticket_decodes_to_a_ticket_the_server_signed_and_the_poster_qr_to_the_signup_page(live_server):
    event = published_event(live_server)
    registration = attendee(live_server, event["id"], name="张三")
    client = _signed_in(live_server)
    page = client.page(f"/events/{event['id']}").text
    png_path = re.search(r'href="/console(/events/\d+/attendees/\d+/ticket\.png)"', page).group(1)
    reply = client.page(png_path)
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
    [found] = decode_frame(Image.open(io.BytesIO(reply.content)))
    keys = {k["key_id"]: base64.urlsafe_b64decode(k["public_key"] + "==")
            for k in live_server.admin("GET", "/admin/ticket-keys").json()}
    ticket = tickets.verify(found, keys)
    assert (ticket.event_id, ticket.ticket_id) == (event["id"], registration["ticket_id"])
    svg = client.page(png_path.replace(".png", ".svg"))
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text
    # The poster's QR opens the event's self-registration page.
    signup = f"{live_server.url}/e/{event['id']}"
    assert f'id="signup-url">{signup}<' in page
    [poster] = decode_frame(Image.open(io.BytesIO(client.page(f"/events/{event['id']}/poster.png").content)))
    assert poster == signup and requests.get(signup, timeout=30).status_code == 200


def test_cancelling_a_registration_asks_first_then_revokes_the_ticket(live_server):
    event = published_event(live_server)
    registration = attendee(live_server, event["id"])
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    path = f"/events/{event['id']}/attendees/{registration['id']}/revoke"
    assert 'id="confirm-revoke"' in client.page(path).text
    assert _attendees(live_server, event["id"])[0]["revoked_at"] is None  # the confirm page alone revokes nothing
    reply = client.submit(path, path)
    assert reply.status_code == 200 and 'class="is-revoked"' in reply.text
    assert _attendees(live_server, event["id"])[0]["revoked_at"] is not None
    assert registration["ticket_id"] in terminal.call("GET", "/terminal/checkin").json()["revoked"]
    assert client.page(f"/events/{event['id']}/attendees/{registration['id']}/ticket.png").status_code == 410


def test_live_attendance_shows_terminal_check_ins_with_the_duplicate_flagged(live_server):
    event = published_event(live_server, capacity=50)
    registration = attendee(live_server, event["id"], name="张三")
    text = ticket_text(live_server, event["id"], registration["id"])
    east, west = enrolled_terminal(live_server, name="大堂东"), enrolled_terminal(live_server, name="大堂西")
    client = _signed_in(live_server)
    live = f"/events/{event['id']}/live.json"
    assert client.page(live).json()["attendance"]["checked_in"] == 0

    now = datetime.now(UTC)
    assert scan_online(east, text, now - timedelta(minutes=2))["kind"] == "welcome"
    # West was offline and let the same ticket in a minute later: a fact, flagged as a duplicate.
    send_records(west, checkin_record(text, now - timedelta(minutes=1)))

    data = client.page(live).json()
    assert {k: data["attendance"][k] for k in ("checked_in", "registered", "capacity", "duplicates")} == {
        "checked_in": 1, "registered": 1, "capacity": 50, "duplicates": 1}
    rows = {(s["terminal"], s["mode"], s["flag"], s["attendee"]) for s in data["scans"]}
    assert rows == {("大堂东", "online", "", "张三"), ("大堂西", "offline", "duplicate", "张三")}
    page = client.page(f"/events/{event['id']}/live").text
    assert 'class="flag-duplicate"' in page and 'id="count-checked-in">1<' in page


def test_refused_scans_show_in_the_audit_view_only_and_everything_exports_as_csv(live_server):
    event = published_event(live_server)
    leaver = attendee(live_server, event["id"], name="=HYPERLINK(\"http://x\")", phone="13800138001")
    stayer = attendee(live_server, event["id"], name="李四", phone="13800138002")
    leaver_text = ticket_text(live_server, event["id"], leaver["id"])
    stayer_text = ticket_text(live_server, event["id"], stayer["id"])
    terminal = enrolled_terminal(live_server, name="大堂东")
    assert live_server.admin("POST", f"/admin/events/{event['id']}/attendees/{leaver['id']}/revoke").status_code == 200
    assert scan_online(terminal, leaver_text)["kind"] == "cancelled"
    assert scan_online(terminal, stayer_text)["kind"] == "welcome"
    client = _signed_in(live_server)

    live = client.page(f"/events/{event['id']}/live.json").json()["scans"]
    audit = client.page(f"/events/{event['id']}/live.json", params={"audit": "1"}).json()["scans"]
    assert [s["server_verdict"] for s in live] == ["welcome"]
    assert sorted(s["server_verdict"] for s in audit) == ["cancelled", "welcome"]
    assert 'class="is-refused"' in client.page(f"/events/{event['id']}/live", params={"audit": "1"}).text

    reply = client.page(f"/events/{event['id']}/checkins.csv")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))
    by_verdict = {r["server_verdict"]: r for r in rows}
    assert set(by_verdict) == {"cancelled", "welcome"}
    assert by_verdict["welcome"]["attendee"] == "李四" and by_verdict["welcome"]["terminal"] == "大堂东"
    assert by_verdict["cancelled"]["attendee"].startswith("'=")  # a spreadsheet shows it, never runs it


def test_hostile_titles_and_names_are_shown_as_text(live_server):
    event = published_event(live_server, title_zh=HOSTILE, title_en=HOSTILE, organiser=HOSTILE, place=HOSTILE)
    registration = attendee(live_server, event["id"], name=HOSTILE, organisation=HOSTILE)
    terminal = enrolled_terminal(live_server, name="<b>东</b>")
    scan_online(terminal, ticket_text(live_server, event["id"], registration["id"]))
    client = _signed_in(live_server)
    for path in ("/events", f"/events/{event['id']}", f"/events/{event['id']}/edit", f"/events/{event['id']}/live",
                 f"/events/{event['id']}/live?audit=1",
                 f"/events/{event['id']}/attendees/{registration['id']}/revoke"):
        page = client.page(path).text
        assert "<script>alert" not in page and "<b>东" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


def test_posts_without_the_form_token_are_refused(live_server):
    event = published_event(live_server)
    registration = attendee(live_server, event["id"])
    client = _signed_in(live_server)
    fields = [(name, value) for name, value in _good_form(client) if name != "csrf_token"]
    assert client.post(client.url("/events/new"), data=fields, timeout=60).status_code == 403
    forged = [*fields, ("csrf_token", "forged")]
    assert client.post(client.url(f"/events/{event['id']}/edit"), data=forged, timeout=60).status_code == 403
    revoke = client.post(client.url(f"/events/{event['id']}/attendees/{registration['id']}/revoke"),
                         data={"csrf_token": "forged"}, timeout=60)
    assert revoke.status_code == 403
    upload = client.post(client.url(f"/events/{event['id']}/attendees/import"),
                         files={"file": ("a.csv", b"name,phone\nx,13800138009\n", "text/csv")}, timeout=60)
    assert upload.status_code == 403
    assert len(_events(live_server)) == 1
    assert [(a["name"], a["revoked_at"]) for a in _attendees(live_server, event["id"])] == [("张三", None)]


def test_operators_edit_events_and_a_terminal_token_opens_no_console_page(live_server):
    event = published_event(live_server)
    registration = attendee(live_server, event["id"])
    operator = _signed_in(live_server, "operator", create_operator(live_server))
    reply = operator.post(operator.url("/events/new"), data=_good_form(operator, title_zh="运营人员的活动"), timeout=60)
    assert reply.status_code == 200 and "运营人员的活动" in operator.page("/events").text

    terminal = enrolled_terminal(live_server)
    bearer = {"Authorization": f"Bearer {terminal.token}"}
    for path in ("/events", f"/events/{event['id']}", f"/events/{event['id']}/live.json",
                 f"/events/{event['id']}/checkins.csv",
                 f"/events/{event['id']}/attendees/{registration['id']}/ticket.png"):
        reply = requests.get(f"{live_server.url}/console{path}", headers=bearer, allow_redirects=False, timeout=30)
        assert reply.status_code == 303 and reply.headers["location"].endswith("/console/login"), path
    reply = requests.post(f"{live_server.url}/console/events/new", headers=bearer, allow_redirects=False, timeout=30,
                          data=_good_form(operator, title_zh="终端的活动"))
    assert reply.status_code == 303
    assert "终端的活动" not in [e["title_zh"] for e in _events(live_server)]


def test_the_enrolment_qr_carries_the_code_and_the_server_address(live_server):
    client = _signed_in(live_server)
    page = client.submit("/terminals", "/terminals", {"name": "New kiosk", "location": "Floor 2"})
    code = re.search(r'id="enrolment-code">([A-Z0-9-]+)<', page.text).group(1)
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', page.text).group(1))
    [found] = decode_frame(Image.open(io.BytesIO(png)))
    assert found == f"LKENROL|{code}|{live_server.url}"
    assert parse_enrolment_qr(found) == (code, live_server.url)
    assert redeem(live_server, code).status_code == 200


@pytest.mark.server_settings(public_url="https://kiosk.example.org/")
def test_behind_a_proxy_the_qr_codes_and_links_carry_the_public_url(live_server):
    client = _signed_in(live_server)
    page = client.submit("/terminals", "/terminals", {"name": "New kiosk", "location": "Floor 2"})
    code = re.search(r'id="enrolment-code">([A-Z0-9-]+)<', page.text).group(1)
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', page.text).group(1))
    assert decode_frame(Image.open(io.BytesIO(png))) == [f"LKENROL|{code}|https://kiosk.example.org"]
    event = published_event(live_server)
    poster = client.page(f"/events/{event['id']}/poster.png").content
    assert decode_frame(Image.open(io.BytesIO(poster))) == [f"https://kiosk.example.org/e/{event['id']}"]
    # The queue slip's QR (made by the server), and the address the kiosks put in their own QR codes.
    terminal = enrolled_terminal(live_server)
    open_all_day(live_server)
    number = terminal.call("POST", "/terminal/queue/numbers", json={"service_code": SOCIAL_SECURITY_CARD}).json()
    assert number["follow_url"].startswith("https://kiosk.example.org/q/")
    assert terminal.heartbeat().json()["public_url"] == "https://kiosk.example.org"
