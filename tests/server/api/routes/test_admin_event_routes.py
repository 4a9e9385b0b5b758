"""Event administration over real HTTP: events and their states, operators' rights, attendee import with
per-row errors, revocation, ticket images, CSV export."""

from __future__ import annotations

import csv
import io
import secrets

from PIL import Image

from common import tickets
from services.devices.scanner import decode_frame
from tests.server.calls import enrolled_terminal
from tests.server.checkin_calls import (
    BAD_ATTENDEE_FILE,
    attendee,
    event_body,
    published_event,
    scan_online,
    ticket_text,
)


def _operator_token(server) -> str:
    password = secrets.token_urlsafe(12)
    server.add_account("operator1", password, role="operator")
    return server.login("operator1", password)


def test_an_operator_creates_edits_publishes_and_cancels_an_event_but_cannot_touch_the_keys(live_server):
    token = _operator_token(live_server)
    created = live_server.admin("POST", "/admin/events", json=event_body(), token=token)
    assert created.status_code == 201
    event = created.json()
    assert (event["status"], event["created_by"], event["registered"], event["all_terminals"]) == (
        "draft", "operator1", 0, True)

    edited = live_server.admin("PUT", f"/admin/events/{event['id']}", token=token,
                               json=event_body(title_en="Briefing, edited", all_terminals=False, group_ids=[99]))
    assert edited.status_code == 409 and "no such group: 99" in edited.json()["detail"]
    terminal = enrolled_terminal(live_server, group="T1 lobby")
    groups = live_server.admin("GET", "/admin/terminal-groups", token=token).json()
    assert [g["name"] for g in groups] == ["T1 lobby"]
    edited = live_server.admin("PUT", f"/admin/events/{event['id']}", token=token,
                               json=event_body(title_en="Briefing, edited", all_terminals=False,
                                               group_ids=[groups[0]["id"]], terminal_ids=[terminal.id]))
    assert edited.status_code == 200
    assert (edited.json()["title_en"], edited.json()["group_ids"], edited.json()["terminal_ids"]) == (
        "Briefing, edited", [groups[0]["id"]], [terminal.id])

    backwards = event_body(ends_at=event_body()["starts_at"])
    assert live_server.admin("POST", "/admin/events", json=backwards, token=token).status_code == 422
    naive = event_body(starts_at="2026-12-01T09:00:00")
    assert live_server.admin("POST", "/admin/events", json=naive, token=token).status_code == 422

    assert live_server.admin("POST", f"/admin/events/{event['id']}/publish", token=token).json()["status"] == "published"
    assert live_server.admin("POST", f"/admin/events/{event['id']}/publish", token=token).status_code == 409
    assert live_server.admin("DELETE", f"/admin/events/{event['id']}", token=token).status_code == 409
    cancelled = live_server.admin("POST", f"/admin/events/{event['id']}/cancel", token=token).json()
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
    assert live_server.admin("PUT", f"/admin/events/{event['id']}", json=event_body(), token=token).status_code == 409

    draft = live_server.admin("POST", "/admin/events", json=event_body(), token=token).json()
    assert live_server.admin("DELETE", f"/admin/events/{draft['id']}", token=token).status_code == 204
    assert live_server.admin("GET", f"/admin/events/{draft['id']}", token=token).status_code == 404
    assert [e["id"] for e in live_server.admin("GET", "/admin/events", token=token).json()] == [event["id"]]

    assert live_server.admin("POST", "/admin/ticket-keys/rotate", token=token).status_code == 403
    assert live_server.admin("POST", "/admin/ticket-keys/1/withdraw", token=token).status_code == 403
    audit = live_server.admin("GET", "/admin/audit").json()
    assert {"event.create", "event.update", "event.publish", "event.cancel", "event.delete"} <= {a["action"] for a in audit}


def test_an_attendee_file_with_bad_rows_is_refused_row_by_row_and_a_good_one_imports_once(live_server):
    event = published_event(live_server)
    attendee(live_server, event["id"], "王五", "13700137000")
    reply = live_server.admin("POST", f"/admin/events/{event['id']}/attendees/import", data=BAD_ATTENDEE_FILE.encode(),
                              headers={"Content-Type": "text/csv"})
    assert reply.status_code == 422
    errors = [(e["row"], e["column"]) for e in reply.json()["errors"]]
    assert errors == [(3, "name"), (4, "phone"), (5, "phone"), (6, "phone")]
    assert "mainland mobile" in reply.json()["errors"][1]["message"]
    assert len(live_server.admin("GET", f"/admin/events/{event['id']}/attendees").json()) == 1  # nothing imported

    good = "\ufeffname,phone,organisation\n张三,13800138000,华东设计院\nZoë <b>,138 0013 8002,\n王五,13700137000,\n"
    reply = live_server.admin("POST", f"/admin/events/{event['id']}/attendees/import", data=good.encode(),
                              headers={"Content-Type": "text/csv"})
    assert reply.status_code == 200 and reply.json() == {"created": 2, "unchanged": 1}
    again = live_server.admin("POST", f"/admin/events/{event['id']}/attendees/import", data=good.encode(),
                              headers={"Content-Type": "text/csv"})
    assert again.json() == {"created": 0, "unchanged": 3}
    listed = live_server.admin("GET", f"/admin/events/{event['id']}/attendees").json()
    assert [(a["name"], a["phone"], a["phone_masked"], a["source"]) for a in listed] == [
        ("王五", "13700137000", "137****7000", "import"), ("张三", "13800138000", "138****8000", "import"),
        ("Zoë <b>", "13800138002", "138****8002", "import")]
    assert len({a["ticket_id"] for a in listed}) == 3
    not_utf8 = live_server.admin("POST", f"/admin/events/{event['id']}/attendees/import",
                                 data="姓名,手机\n张三,13800138000\n".encode("gbk"), headers={"Content-Type": "text/csv"})
    assert not_utf8.status_code == 422 and "UTF-8" in not_utf8.json()["detail"]
    assert live_server.admin("POST", f"/admin/events/{event['id']}/attendees",
                             json={"name": "张三", "phone": "13800138000"}).status_code == 409


def test_tickets_download_as_png_and_svg_until_revoked_and_the_export_has_the_checkins(live_server):
    terminal = enrolled_terminal(live_server)
    event = published_event(live_server)
    person = attendee(live_server, event["id"], "=HYPERLINK(\"http://x\")", "13800138000", "公司")
    other = attendee(live_server, event["id"], "李四", "13900139000")
    code = ticket_text(live_server, event["id"], person["id"])
    assert tickets.read(code).ticket_id == person["ticket_id"]
    svg = live_server.admin("GET", f"/admin/events/{event['id']}/attendees/{person['id']}/ticket.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and svg.text.rstrip().endswith("</svg>")
    assert live_server.admin("GET", f"/admin/events/{event['id'] + 1}/attendees/{person['id']}/ticket.png").status_code == 404
    assert scan_online(terminal, code)["kind"] == "welcome"

    revoked = live_server.admin("POST", f"/admin/events/{event['id']}/attendees/{other['id']}/revoke").json()
    assert revoked["revoked_at"]
    assert live_server.admin("GET", f"/admin/events/{event['id']}/attendees/{other['id']}/ticket.png").status_code == 410

    export = live_server.admin("GET", f"/admin/events/{event['id']}/export.csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    by_phone = {row["phone"]: row for row in rows}
    assert by_phone["13800138000"]["name"] == "'=HYPERLINK(\"http://x\")"  # never a live formula in a spreadsheet
    assert by_phone["13800138000"]["checked_in_at"] and by_phone["13800138000"]["mode"] == "online"
    assert by_phone["13900139000"]["revoked_at"] and not by_phone["13900139000"]["checked_in_at"]
    counts = live_server.admin("GET", f"/admin/events/{event['id']}/attendance").json()
    assert (counts["registered"], counts["revoked"], counts["checked_in"], counts["capacity"]) == (1, 1, 1, 100)


def test_the_ticket_png_decodes_with_a_real_barcode_reader_also_scaled_down(live_server):
    event = published_event(live_server)
    person = attendee(live_server, event["id"])
    reply = live_server.admin("GET", f"/admin/events/{event['id']}/attendees/{person['id']}/ticket.png")
    image = Image.open(io.BytesIO(reply.content))
    small = image.resize((image.width // 3, image.height // 3))
    assert decode_frame(small) == [ticket_text(live_server, event["id"], person["id"])]
