"""Making things for the domain tests through the domain functions themselves (the ones the routes call), and
records stored the way POST /terminal/records stores them (server/fleet/api/terminal_records.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import read_settings_document
from server.core.clock import as_utc, utcnow
from server.events import attendees, events, tickets_issue
from server.events.schemas import AttendeeFields, EventFields
from server.fleet import records, terminals
from server.fleet.models import Event, Registration, Terminal
from tests.server.feedback_data import feedback_record

ACTOR = "admin"
BUILTIN = read_settings_document(DEFAULT_SETTINGS_FILE)


# Where the dialect matters: on both databases (tests/server_fixtures.py), or on PostgreSQL only (row locks that
# SQLite's one writer at a time makes moot).
BOTH_DIALECTS = pytest.mark.postgresql
POSTGRESQL = pytest.mark.parametrize("database_kind", ["postgresql"])


def terminal(db: Session, name: str = "T1 大堂 1 号机", group: str | None = None) -> Terminal:
    made = terminals.create_terminal(db, name, "T1 一层大堂", group, ACTOR)
    db.commit()
    return made


def event_fields(**overrides) -> EventFields:
    """An event whose check-in window is open now, offered at every terminal."""
    now = utcnow()
    fields = {"title_zh": "政务服务宣讲会", "title_en": "Services briefing", "organiser": "市政务服务中心",
              "place": "T1 三层多功能厅", "starts_at": now + timedelta(hours=1), "ends_at": now + timedelta(hours=3),
              "opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(hours=4), "capacity": 100}
    return EventFields(**{**fields, **overrides})


def published_event(db: Session, **overrides) -> Event:
    event = events.create(db, event_fields(**overrides), ACTOR)
    events.publish(db, event, ACTOR)
    db.commit()
    return event


def registration(db: Session, event: Event, name: str = "张三", phone: str = "13800138000") -> Registration:
    made = attendees.register(db, event, AttendeeFields(name=name, phone=phone), "import", ACTOR)
    db.commit()
    return made


def ticket(db: Session, made: Registration) -> str:
    text = tickets_issue.ticket_text(db, made)
    db.commit()  # end the read's transaction: on SQLite every transaction holds the write lock
    return text


def checkin_record(code: str, scanned_at: datetime, verdict: str = "welcome", mode: str = "offline") -> dict:
    return {"id": str(uuid.uuid4()), "kind": "checkin", "created_at": scanned_at.isoformat(),
            "payload": {"code": code, "scanned_at": scanned_at.isoformat(), "nonce": uuid.uuid4().hex,
                        "verdict": verdict, "mode": mode}}


def store(db: Session, sender: Terminal, *sent: dict, now: datetime | None = None) -> set[str]:
    """Store and project records as the records route does, not committed yet; the ids newly stored."""
    sender = db.get(Terminal, sender.id)  # this session's own copy (the test may pass another session's)
    now = now or utcnow()
    rows = [{"terminal_id": sender.id, "id": r["id"], "kind": r["kind"],
             "created_at": as_utc(datetime.fromisoformat(r["created_at"])), "received_at": now,
             "payload": r["payload"]} for r in sent]
    inserted = records.insert_new(db, rows)
    records.project_new(db, sender, rows, inserted)
    return inserted


def receive(db: Session, sender: Terminal, *sent: dict, now: datetime | None = None) -> set[str]:
    """``store``, committed (the route commits before it answers)."""
    inserted = store(db, sender, *sent, now=now)
    db.commit()
    return inserted


def feedback(category: str = "repair", **fields) -> dict:
    """A feedback record as a kiosk sends it (tests/server/feedback_data.py)."""
    return feedback_record(category, **fields)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
