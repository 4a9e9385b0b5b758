"""Feedback items: made from records of kind "feedback" as they are stored, with a hashed check code and a
handling deadline; and the lookup the public status page makes with tracking number and check code."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from common import wire
from common.catalogue import Text
from common.settings import FeedbackSettings
from server.core.clock import as_utc
from server.core.config import ServerSettings, current_settings
from server.core.db import dialect_insert
from server.core.server_secrets import stored_secret
from server.fleet.models import FeedbackItem, Terminal

log = logging.getLogger(__name__)

STATUSES = ("new", "accepted", "in_progress", "resolved", "closed", "rejected")
OPEN_STATUSES = ("new", "accepted", "in_progress")
REPAIR_CATEGORY = "repair"
# 2 = 不满意, 1 = 非常不满意.
NEGATIVE_RATING_MAX = 2
PEPPER_FILE = "feedback-pepper"


def check_code_hash(settings: ServerSettings, tracking_number: str, check_code: str) -> str:
    pepper = (settings.feedback_code_pepper.encode() if settings.feedback_code_pepper
              else stored_secret(settings.kiosk_server_data_dir, PEPPER_FILE))
    return hmac.new(pepper, f"{tracking_number}:{check_code}".encode(), hashlib.sha256).hexdigest()


def is_negative(rating: int | None) -> bool:
    return rating is not None and rating <= NEGATIVE_RATING_MAX


def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(23, 59, 59), zone).astimezone(UTC)


def _working_days_after(start: date, days: int) -> date:
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def due_at(settings: ServerSettings, feedback: wire.FeedbackRecord) -> datetime | None:
    """When handling is due: repair requests some hours after submission; negative ratings at the end of the
    terminal's follow-up day, or of the N-th working day. Other feedback has no deadline."""
    submitted = as_utc(feedback.submitted_at)
    zone = ZoneInfo(settings.timezone)
    deadlines: list[datetime] = []
    if feedback.category == REPAIR_CATEGORY:
        deadlines.append(submitted + timedelta(hours=settings.feedback_repair_deadline_hours))
    if is_negative(feedback.rating):
        day = feedback.followup_due or _working_days_after(submitted.astimezone(zone).date(),
                                                           settings.feedback_negative_working_days)
        deadlines.append(_end_of_day(day, zone))
    return min(deadlines, default=None)


def project(db: Session, terminal: Terminal, rows: list[dict]) -> None:
    """Make a feedback item of each newly stored feedback record (the projection of records of kind feedback).

    A payload that is not a valid ``FeedbackRecord``, or whose tracking number is taken, stays a stored
    record only (nothing is lost); the inbox counts such records apart as unreadable."""
    settings = current_settings()
    items = []
    for row in rows:
        try:
            feedback = wire.FeedbackRecord.model_validate(row["payload"])
        except ValidationError as exc:
            log.warning("feedback record %s from terminal %s is unreadable: %s", row["id"], terminal.id,
                        exc.errors(include_url=False, include_input=False))
            continue
        items.append({
            "terminal_id": terminal.id, "record_id": row["id"], "tracking_number": feedback.tracking_number,
            "check_code_hash": check_code_hash(settings, feedback.tracking_number, feedback.check_code),
            "category": feedback.category, "rating": feedback.rating, "text": feedback.text,
            "reason": feedback.reason, "phone": feedback.phone, "consent": feedback.consent,
            "locale": feedback.locale, "submitted_at": as_utc(feedback.submitted_at),
            "received_at": row["received_at"], "suppressed": feedback.suppressed,
            "followup_due": feedback.followup_due, "due_at": due_at(settings, feedback), "status": "new",
            "updated_at": row["received_at"],
        })
    if items:
        # A tracking number already taken (by another record) leaves that record unprojected, not the batch failed.
        db.execute(dialect_insert(db, FeedbackItem).on_conflict_do_nothing(), items)


_DUMMY_HASH = "0" * 64


def find_for_status(db: Session, settings: ServerSettings, tracking_number: str,
                    check_code: str) -> FeedbackItem | None:
    """The item with this tracking number if the check code is its own; None otherwise, whatever was wrong,
    taking the same work either way (the code is hashed and compared even when the number is unknown)."""
    item = db.scalar(select(FeedbackItem).where(FeedbackItem.tracking_number == tracking_number))
    expected = item.check_code_hash if item is not None else _DUMMY_HASH
    matches = hmac.compare_digest(check_code_hash(settings, tracking_number, check_code), expected)
    return item if item is not None and matches else None


def category_titles(builtin_settings: dict) -> dict[str, Text]:
    """Category key -> title, from the server's built-in settings (the categories terminals start with)."""
    try:
        configured = FeedbackSettings.model_validate(builtin_settings.get("feedback") or {})
    except ValidationError:
        configured = FeedbackSettings()
    return {category.key: category.title for category in configured.categories}
