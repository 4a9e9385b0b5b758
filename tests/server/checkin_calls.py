"""Event check-in calls for the server tests: events and attendees through the admin API, tickets read back
from their PNG with a real barcode decoder, check-in records as a kiosk's outbox sends them."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

from PIL import Image

from services.devices.scanner import decode_frame
from tests.live_server import LiveServer
from tests.server.calls import Terminal

# An attendee CSV refused whole (rows 3-6: no name, a bad phone, a phone twice in the file, a phone registered
# for the event under another name) though rows 2 and 8 are good; the blank line is skipped.
BAD_ATTENDEE_FILE = ("姓名,手机,单位\n"
                     "张三,13800138000,华东设计院\n"
                     ",13800138001,没有名字\n"
                     "李四,12345,号码不对\n"
                     "赵六,13800138000,与第 2 行同号\n"
                     "王小五,13700137000,已报名的号码换了名字\n"
                     "\n"
                     "Zoë <b>,138 0013 8002,\n")


def event_body(**overrides) -> dict:
    """A published-to-be event whose check-in window is open now, offered at every terminal."""
    now = datetime.now(UTC)
    body = {"title_zh": "政务服务宣讲会", "title_en": "Services briefing", "organiser": "市政务服务中心",
            "place": "T1 三层多功能厅", "starts_at": (now + timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(), "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(hours=4)).isoformat(), "capacity": 100}
    return {**body, **overrides}


def published_event(server: LiveServer, token: str | None = None, **overrides) -> dict:
    reply = server.admin("POST", "/admin/events", json=event_body(**overrides), token=token)
    assert reply.status_code == 201, reply.text
    event = reply.json()
    reply = server.admin("POST", f"/admin/events/{event['id']}/publish", token=token)
    assert reply.status_code == 200, reply.text
    return reply.json()


def attendee(server: LiveServer, event_id: int, name: str = "张三", phone: str = "13800138000",
             organisation: str = "") -> dict:
    reply = server.admin("POST", f"/admin/events/{event_id}/attendees",
                         json={"name": name, "phone": phone, "organisation": organisation})
    assert reply.status_code == 201, reply.text
    return reply.json()


def ticket_text(server: LiveServer, event_id: int, registration_id: int) -> str:
    """The ticket's QR text, decoded from the PNG the console offers (as a scanner would read it)."""
    reply = server.admin("GET", f"/admin/events/{event_id}/attendees/{registration_id}/ticket.png")
    assert reply.status_code == 200, reply.text
    [found] = decode_frame(Image.open(io.BytesIO(reply.content)))
    return found


def checkin_record(code: str, scanned_at: datetime, verdict: str = "welcome", mode: str = "offline",
                   record_id: str | None = None) -> dict:
    return {"id": record_id or str(uuid.uuid4()), "kind": "checkin", "created_at": scanned_at.isoformat(),
            "payload": {"code": code, "scanned_at": scanned_at.isoformat(), "nonce": uuid.uuid4().hex,
                        "verdict": verdict, "mode": mode}}


def send_records(terminal: Terminal, *records: dict) -> dict:
    reply = terminal.call("POST", "/terminal/records", json={"records": list(records)})
    assert reply.status_code == 200, reply.text
    return reply.json()


def scan_online(terminal: Terminal, code: str, scanned_at: datetime | None = None,
                record_id: str | None = None) -> dict:
    body = {"id": record_id or str(uuid.uuid4()), "code": code,
            "scanned_at": (scanned_at or datetime.now(UTC)).isoformat(), "nonce": uuid.uuid4().hex}
    reply = terminal.call("POST", "/terminal/checkins", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def checkins_of(server: LiveServer, event_id: int, **params) -> list[dict]:
    reply = server.admin("GET", f"/admin/events/{event_id}/checkins", params=params)
    assert reply.status_code == 200, reply.text
    return reply.json()


def attendance(server: LiveServer, event_id: int) -> dict:
    reply = server.admin("GET", f"/admin/events/{event_id}/attendance")
    assert reply.status_code == 200, reply.text
    return reply.json()
