"""好差评 after a number is served: the visitor's rating (at a kiosk by scanning the slip, or on the phone page)
becomes a feedback item of the rating category, tied to number, service and window, so it is counted in the
feedback statistics and an unhappy one gets its follow-up deadline like any other."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import wire
from common.queue_wire import SlipAnswer
from server.core.config import ServerSettings
from server.feedback.items import check_code_hash, due_at, is_negative
from server.fleet.models import FeedbackItem
from server.queueing.models import QueueTicket
from server.queueing.windows import by_id, current_catalogue

RATING_CATEGORY = "service_rating"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MAX_REASON = 500


class RatingRefused(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def slip_answer(db: Session, ticket: QueueTicket | None) -> SlipAnswer:
    """What a scanned slip is: unknown (forged, or not ours), or the number's state (rated once rated)."""
    if ticket is None:
        return SlipAnswer(state="unknown")
    window = by_id(db, ticket.window_id)
    catalogue = current_catalogue(db)
    service = next((s for s in catalogue.services if s.code == ticket.service_code), None) if catalogue else None
    state = "rated" if ticket.rating is not None else ticket.status
    return SlipAnswer(state=state, number=ticket.number, service_name=service.name if service else None,
                      window=window.name if window else None)


def rate(db: Session, settings: ServerSettings, ticket: QueueTicket, rating: int, reason: str | None, locale: str,
         now: datetime) -> FeedbackItem:
    """Store the rating of a served number, once. Raises RatingRefused naming the field."""
    if ticket.status != "served":
        raise RatingRefused("status", "only a served number can be rated")
    if ticket.rating is not None:
        raise RatingRefused("status", "this number is rated already")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise RatingRefused("rating", "a rating from 1 to 5")
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise RatingRefused("reason", f"at most {MAX_REASON} characters")
    if is_negative(rating) and not reason:
        raise RatingRefused("reason", "please say what went wrong")
    if ticket.terminal_id is None:
        raise RatingRefused("status", "the terminal that issued this number is gone")
    answer = slip_answer(db, ticket)
    service = answer.service_name.zh if answer.service_name else ticket.service_code
    window = answer.window.zh if answer.window else ""
    # A tracking number of the feedback kind, so the item reads and validates as any other rating.
    record = wire.FeedbackRecord(
        tracking_number=f"F{now:%y%m%d}-" + "".join(secrets.choice(_CROCKFORD) for _ in range(8)),
        check_code=f"{secrets.randbelow(10**6):06d}", category=RATING_CATEGORY, rating=rating,
        text=f"{ticket.number} {service} {window}".strip()[:wire.FEEDBACK_TEXT_MAX], reason=reason or None,
        locale=locale[:16] if len(locale) >= 2 else "zh_CN", submitted_at=now)
    deadline = due_at(settings, record)
    item = FeedbackItem(
        terminal_id=ticket.terminal_id, record_id=f"queue:{ticket.id}", tracking_number=record.tracking_number,
        check_code_hash=check_code_hash(settings, record.tracking_number, record.check_code),
        category=RATING_CATEGORY, rating=rating, text=record.text, reason=record.reason, phone=None, consent=False,
        locale=record.locale, submitted_at=now, received_at=now, suppressed=None,
        followup_due=deadline.date() if deadline else None, due_at=deadline, status="new", updated_at=now)
    db.add(item)
    db.flush()
    ticket.rating, ticket.feedback_item_id = rating, item.id
    return item


def locked_by_token(db: Session, token: str) -> QueueTicket | None:
    if not isinstance(token, str) or len(token) != 22:
        return None
    return db.scalar(select(QueueTicket).where(QueueTicket.token == token).with_for_update())
