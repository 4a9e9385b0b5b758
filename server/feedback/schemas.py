"""What the feedback administration routes take and give (beside the wire's FeedbackRecord)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from common.wire import Id, WireModel

FeedbackStatus = Literal["new", "accepted", "in_progress", "resolved", "closed", "rejected"]


class FeedbackNoteOut(WireModel):
    id: int
    author: str
    text: str
    created_at: datetime


class FeedbackItemOut(WireModel):
    id: int
    tracking_number: str
    terminal_id: int
    terminal_name: str
    category: str
    rating: int | None
    text: str
    reason: str | None
    # Only where the visitor consented to be called back.
    phone: str | None
    locale: str
    submitted_at: datetime
    received_at: datetime
    suppressed: str | None
    followup_due: date | None
    due_at: datetime | None
    overdue: bool
    negative: bool
    status: FeedbackStatus
    reject_reason: str | None
    assignee: str | None
    public_reply: str | None
    replied_at: datetime | None
    notes: list[FeedbackNoteOut] = []


class FeedbackTransition(WireModel):
    to: FeedbackStatus
    reason: str = Field(default="", max_length=2000)


class FeedbackAssign(WireModel):
    assignee_id: Id | None


class FeedbackText(WireModel):
    text: str = Field(max_length=4000)


class RatingTally(WireModel):
    key: str
    label: str
    total: int
    # "1".."5" -> count
    ratings: dict[str, int]
    average: float | None


class FeedbackStatsOut(WireModel):
    overall: RatingTally
    by_category: list[RatingTally]
    by_terminal: list[RatingTally]
    by_month: list[RatingTally]
    suppressed: dict[str, int]
    unreadable: int


class UnhappyAlertOut(WireModel):
    terminal_id: int
    terminal_name: str
    unhappy: int
    rated: int
