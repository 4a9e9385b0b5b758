"""Handling a feedback item: status transitions, assignee, internal notes, the public reply. Each change is
checked here (API and console alike) and written to the audit log in the same transaction."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit.log import audit
from server.core.clock import utcnow
from server.fleet.models import Admin, FeedbackItem, FeedbackNote

# The workflow: new -> accepted -> in_progress -> resolved -> closed, or rejected (with a reason) while open.
# A resolved item may be taken up again; closed and rejected are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("accepted", "rejected"),
    "accepted": ("in_progress", "resolved", "rejected"),
    "in_progress": ("resolved", "rejected"),
    "resolved": ("closed", "in_progress"),
    "closed": (),
    "rejected": (),
}
MAX_REASON_LENGTH = 500
MAX_NOTE_LENGTH = 2000
MAX_REPLY_LENGTH = 2000


class FeedbackRefused(Exception):
    """A change that cannot be made; ``field`` names the form field the message belongs beside."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def locked_item(db: Session, item_id: int) -> FeedbackItem | None:
    """The item, its row locked until commit: two operators changing it at once are serialised."""
    return db.scalar(select(FeedbackItem).where(FeedbackItem.id == item_id).with_for_update(of=FeedbackItem))


def _target(item: FeedbackItem) -> str:
    return f"feedback {item.tracking_number}"


def _text(value: str, field: str, limit: int, empty_message: str) -> str:
    value = value.strip()
    if not value:
        raise FeedbackRefused(field, empty_message)
    if len(value) > limit:
        raise FeedbackRefused(field, f"At most {limit} characters.")
    return value


def transition(db: Session, item: FeedbackItem, to: str, reason: str, actor: str) -> None:
    if to not in TRANSITIONS.get(item.status, ()):
        raise FeedbackRefused("status", f"An item that is {item.status} cannot become {to}.")
    if to == "rejected":
        item.reject_reason = _text(reason, "reason", MAX_REASON_LENGTH, "A rejection needs a reason.")
    audit(db, actor, "feedback.status", _target(item), **{"from": item.status, "to": to,
                                                         "reason": item.reject_reason if to == "rejected" else None})
    item.status = to
    item.updated_at = utcnow()


def assign(db: Session, item: FeedbackItem, assignee_id: int | None, actor: str) -> None:
    assignee = db.get(Admin, assignee_id) if assignee_id is not None else None
    if assignee_id is not None and assignee is None:
        raise FeedbackRefused("assignee", "No such staff account.")
    item.assignee = assignee
    item.updated_at = utcnow()
    audit(db, actor, "feedback.assign", _target(item), assignee=assignee.username if assignee else None)


def add_note(db: Session, item: FeedbackItem, text: str, actor: str) -> FeedbackNote:
    note = FeedbackNote(item_id=item.id, author=actor, created_at=utcnow(),
                        text=_text(text, "note", MAX_NOTE_LENGTH, "The note is empty."))
    db.add(note)
    item.updated_at = utcnow()
    audit(db, actor, "feedback.note", _target(item), length=len(note.text))
    return note


def set_reply(db: Session, item: FeedbackItem, text: str, actor: str) -> None:
    """The reply the visitor sees on the status page (replacing an earlier one)."""
    item.public_reply = _text(text, "reply", MAX_REPLY_LENGTH, "The reply is empty.")
    item.replied_at = item.updated_at = utcnow()
    audit(db, actor, "feedback.reply", _target(item), reply=item.public_reply)


def notes_of(db: Session, item: FeedbackItem) -> list[FeedbackNote]:
    return list(db.scalars(select(FeedbackNote).where(FeedbackNote.item_id == item.id).order_by(FeedbackNote.id)))
