"""Building matters (楼事楼议): raising one (from the console, from a feedback item, from a kiosk proposal), the
workflow to done, progress notes, overdue flags and the CSV. Each change is checked here and audited in the same
transaction."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.feedback_rules import clean_text
from server.audit.log import audit
from server.core.clock import utcnow
from server.fleet.models import AuditEntry, FeedbackItem
from server.matters.models import Matter, MatterNote

STATUSES = ("raised", "assigned", "in_progress", "resolved", "declined")
OPEN_STATUSES = ("raised", "assigned", "in_progress")
# Member units of the joint meeting: operator, property manager, a tenant company, a district department, the
# street party committee.
UNIT_KINDS = ("operator", "property", "company", "department", "street")
# Assignment is a meeting's decision (meetings.decide): raised -> assigned happens there, not here.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "raised": ("declined",),
    "assigned": ("in_progress", "declined"),
    "in_progress": ("declined",),
    "resolved": ("in_progress",),
    "declined": ("raised",),
}
# The feedback category of a proposal typed at a kiosk (common/settings.py's default categories).
PROPOSAL_CATEGORY = "proposal"
VIAS = ("kiosk", "console", "feedback")

TITLE_MAX = 80
DESCRIPTION_MAX = 2000
RAISED_BY_MAX = 60
UNIT_NAME_MAX = 80
NOTE_MAX = 2000
RESOLUTION_MAX = 2000
REASON_MAX = 500


class MatterRefused(Exception):
    """A change that cannot be made; ``field`` names the form field the message belongs beside. The message is
    a gettext msgid (the console translates it)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def text_field(value: str, field: str, limit: int, required: bool = True) -> str:
    """Stored text: cleaned as feedback is (no control or bidi characters), required and limited as asked."""
    value = clean_text(value)
    if required and not value:
        raise MatterRefused(field, "This field is required.")
    if len(value) > limit:
        raise MatterRefused(field, "This text is too long.")
    return value


def public_name(matter: Matter) -> str:
    """Who raised it, for the kiosk board: the first character and stars (张**, 百****); empty for a visitor
    at a kiosk (the board says so in its own words)."""
    name = matter.raised_by
    if not name:
        return ""
    return name[:1] + "*" * max(1, min(len(name) - 1, 4))


def target(matter: Matter) -> str:
    return f"matter {matter.id}"


def raise_matter(db: Session, *, title: str, description: str, raised_by: str, via: str, actor: str,
                 feedback_item: FeedbackItem | None = None, raised_at: datetime | None = None) -> Matter:
    if via not in VIAS:
        raise MatterRefused("via", "Unknown origin.")
    now = utcnow()
    matter = Matter(
        title=text_field(title, "title", TITLE_MAX), description=text_field(description, "description",
                                                                           DESCRIPTION_MAX, required=False),
        raised_by=text_field(raised_by, "raised_by", RAISED_BY_MAX, required=False), raised_via=via,
        feedback_item_id=feedback_item.id if feedback_item is not None else None, unit_kind="", unit_name="",
        status="raised", resolution="", decline_reason="", raised_at=raised_at or now, updated_at=now)
    db.add(matter)
    db.flush()
    audit(db, actor, "matters.raise", target(matter), title=matter.title, via=via,
          feedback=feedback_item.tracking_number if feedback_item is not None else None)
    return matter


def matter_of_feedback(db: Session, item: FeedbackItem) -> Matter | None:
    return db.scalar(select(Matter).where(Matter.feedback_item_id == item.id))


def raise_from_feedback(db: Session, item: FeedbackItem, actor: str) -> Matter:
    """"Raise as a building matter": the item's text becomes the matter (its first line the title); a kiosk
    proposal counts as raised at the kiosk. One matter per item."""
    existing = matter_of_feedback(db, item)
    if existing is not None:
        return existing
    text = clean_text(item.text) or clean_text(item.reason or "")
    if not text:
        raise MatterRefused("feedback", "This item has no text to raise.")
    first_line = text.splitlines()[0]
    title = first_line if len(first_line) <= TITLE_MAX else first_line[:TITLE_MAX - 1] + "…"
    via = "kiosk" if item.category == PROPOSAL_CATEGORY else "feedback"
    return raise_matter(db, title=title, description=text[:DESCRIPTION_MAX], raised_by="", via=via, actor=actor,
                        feedback_item=item, raised_at=item.submitted_at)


def waiting_proposals(db: Session) -> list[FeedbackItem]:
    """Kiosk proposals no matter was raised from yet and not rejected in the feedback inbox."""
    return list(db.scalars(
        select(FeedbackItem).outerjoin(Matter, Matter.feedback_item_id == FeedbackItem.id)
        .where(FeedbackItem.category == PROPOSAL_CATEGORY, FeedbackItem.suppressed.is_(None),
               FeedbackItem.status.not_in(("rejected", "closed")), Matter.id.is_(None))
        .order_by(FeedbackItem.received_at)))


def locked(db: Session, matter_id: int) -> Matter | None:
    """The matter, its row locked until commit: two operators changing it at once are serialised."""
    return db.scalar(select(Matter).where(Matter.id == matter_id).with_for_update(of=Matter))


def edit(db: Session, matter: Matter, title: str, description: str, raised_by: str, actor: str) -> None:
    matter.title = text_field(title, "title", TITLE_MAX)
    matter.description = text_field(description, "description", DESCRIPTION_MAX, required=False)
    matter.raised_by = text_field(raised_by, "raised_by", RAISED_BY_MAX, required=False)
    matter.updated_at = utcnow()
    audit(db, actor, "matters.edit", target(matter), title=matter.title)


def transition(db: Session, matter: Matter, to: str, reason: str, actor: str) -> None:
    if to not in TRANSITIONS.get(matter.status, ()):
        raise MatterRefused("status", "This matter cannot take that step now.")
    if to == "declined":
        matter.decline_reason = text_field(reason, "reason", REASON_MAX)
    if to == "raised":
        matter.decline_reason = ""
    if to == "in_progress":
        matter.resolved_at = None
    audit(db, actor, "matters.status", target(matter), **{"from": matter.status, "to": to,
                                                         "reason": matter.decline_reason or None})
    matter.status = to
    matter.updated_at = utcnow()


def resolve(db: Session, matter: Matter, resolution: str, actor: str) -> None:
    """Done: what was done, in public words (the kiosk board shows it)."""
    if matter.status not in ("assigned", "in_progress", "resolved"):
        raise MatterRefused("resolution", "Only an assigned matter can be resolved.")
    matter.resolution = text_field(resolution, "resolution", RESOLUTION_MAX)
    now = utcnow()
    if matter.status != "resolved":
        matter.resolved_at = now
    audit(db, actor, "matters.resolve", target(matter), **{"from": matter.status, "resolution": matter.resolution})
    matter.status = "resolved"
    matter.updated_at = now


def add_note(db: Session, matter: Matter, text: str, public: bool, actor: str) -> MatterNote:
    now = utcnow()
    note = MatterNote(matter_id=matter.id, author=actor, text=text_field(text, "note", NOTE_MAX), public=public,
                      created_at=now)
    db.add(note)
    matter.updated_at = now
    audit(db, actor, "matters.note", target(matter), public=public, length=len(note.text))
    return note


def notes_of(db: Session, matter: Matter) -> list[MatterNote]:
    return list(db.scalars(select(MatterNote).where(MatterNote.matter_id == matter.id).order_by(MatterNote.id)))


def history(db: Session, matter: Matter) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.target == target(matter)).order_by(AuditEntry.id)))


def is_overdue(matter: Matter, today: date) -> bool:
    return matter.status in OPEN_STATUSES and matter.deadline is not None and matter.deadline < today


def list_matters(db: Session, status: str | None = None, overdue_on: date | None = None,
                 limit: int = 500) -> list[Matter]:
    query = select(Matter)
    if status == "open":
        query = query.where(Matter.status.in_(OPEN_STATUSES))
    elif status in STATUSES:
        query = query.where(Matter.status == status)
    if overdue_on is not None:
        query = query.where(Matter.status.in_(OPEN_STATUSES), Matter.deadline < overdue_on)
    return list(db.scalars(query.order_by(Matter.raised_at.desc(), Matter.id.desc()).limit(limit)))


CSV_COLUMNS = ("id", "title", "description", "raised_by", "raised_via", "raised_at", "status", "unit_kind",
               "unit_name", "meeting", "deadline", "overdue", "resolution", "resolved_at")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ gets a leading apostrophe."""
    text = "" if value is None else value.isoformat() if isinstance(value, (date, datetime)) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def matters_csv(matters: list[Matter], today: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for m in matters:
        writer.writerow([_cell(value) for value in (
            m.id, m.title, m.description, m.raised_by, m.raised_via, m.raised_at, m.status, m.unit_kind,
            m.unit_name, m.meeting.title if m.meeting else "", m.deadline, "yes" if is_overdue(m, today) else "",
            m.resolution, m.resolved_at)])
    return out.getvalue()
