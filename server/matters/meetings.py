"""The monthly joint meetings: their agenda (the open matters), minutes, and the decisions that assign a matter
to a member unit with a deadline."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit.log import audit
from server.core.clock import utcnow
from server.matters.matters import (
    OPEN_STATUSES,
    UNIT_KINDS,
    UNIT_NAME_MAX,
    MatterRefused,
    target,
    text_field,
)
from server.matters.models import Matter, Meeting, MeetingDecision

MEETING_TITLE_MAX = 120
PLACE_MAX = 120
ATTENDEES_MAX = 2000
MINUTES_MAX = 20_000
DECISION_MAX = 2000


def _meeting_fields(title: str, held_on: date | None, place: str, attendees: str, minutes: str) -> dict:
    if held_on is None:
        raise MatterRefused("held_on", "Give the meeting's date.")
    return {"title": text_field(title, "title", MEETING_TITLE_MAX), "held_on": held_on,
            "place": text_field(place, "place", PLACE_MAX, required=False),
            "attendees": text_field(attendees, "attendees", ATTENDEES_MAX, required=False),
            "minutes": text_field(minutes, "minutes", MINUTES_MAX, required=False)}


def create(db: Session, *, title: str, held_on: date | None, place: str, attendees: str, minutes: str,
           actor: str) -> Meeting:
    now = utcnow()
    meeting = Meeting(**_meeting_fields(title, held_on, place, attendees, minutes), created_at=now, updated_at=now)
    db.add(meeting)
    db.flush()
    audit(db, actor, "matters.meeting", f"meeting {meeting.id}", title=meeting.title, held_on=str(held_on))
    return meeting


def update(db: Session, meeting: Meeting, *, title: str, held_on: date | None, place: str, attendees: str,
           minutes: str, actor: str) -> None:
    for key, value in _meeting_fields(title, held_on, place, attendees, minutes).items():
        setattr(meeting, key, value)
    meeting.updated_at = utcnow()
    audit(db, actor, "matters.minutes", f"meeting {meeting.id}", title=meeting.title, length=len(meeting.minutes))


def all_meetings(db: Session) -> list[Meeting]:
    return list(db.scalars(select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def agenda(db: Session, meeting: Meeting) -> list[Matter]:
    """What the meeting takes up: every open matter raised up to its day, oldest first, and those it decided."""
    decided = select(MeetingDecision.matter_id).where(MeetingDecision.meeting_id == meeting.id)
    return list(db.scalars(
        select(Matter).where((Matter.status.in_(OPEN_STATUSES)) | Matter.id.in_(decided))
        .order_by(Matter.raised_at, Matter.id)))


def decisions_of(db: Session, meeting: Meeting) -> list[MeetingDecision]:
    return list(db.scalars(select(MeetingDecision).where(MeetingDecision.meeting_id == meeting.id)
                           .order_by(MeetingDecision.id)))


def decisions_about(db: Session, matter: Matter) -> list[MeetingDecision]:
    return list(db.scalars(select(MeetingDecision).where(MeetingDecision.matter_id == matter.id)
                           .order_by(MeetingDecision.id)))


def decide(db: Session, meeting: Meeting, matter: Matter, *, unit_kind: str, unit_name: str, deadline: date | None,
           decision: str, actor: str) -> MeetingDecision:
    """The meeting assigns the matter (分流交办): to a member unit, by a deadline. A later decision reassigns;
    the meeting that first took the matter up stays its meeting."""
    if matter.status not in OPEN_STATUSES:
        raise MatterRefused("matter", "Only an open matter can be assigned.")
    if unit_kind not in UNIT_KINDS:
        raise MatterRefused("unit_kind", "Choose the member unit.")
    name = text_field(unit_name, "unit_name", UNIT_NAME_MAX)
    if deadline is not None and deadline < meeting.held_on:
        raise MatterRefused("deadline", "The deadline is before the meeting.")
    now = utcnow()
    row = MeetingDecision(meeting_id=meeting.id, matter_id=matter.id, unit_kind=unit_kind, unit_name=name,
                          deadline=deadline, decision=text_field(decision, "decision", DECISION_MAX, required=False),
                          author=actor, created_at=now)
    db.add(row)
    matter.unit_kind, matter.unit_name, matter.deadline = unit_kind, name, deadline
    if matter.meeting_id is None:
        matter.meeting_id = meeting.id
    audit(db, actor, "matters.assign", target(matter), **{
        "from": matter.status, "meeting": meeting.title, "unit_kind": unit_kind, "unit_name": name,
        "deadline": deadline.isoformat() if deadline else None, "decision": row.decision})
    if matter.status == "raised":
        matter.status = "assigned"
    matter.updated_at = now
    return row
