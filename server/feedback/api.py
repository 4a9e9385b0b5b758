"""Feedback for staff (operators handle it): the inbox with filters, one item, workflow, assignee, notes,
public reply, statistics, alerts and CSV export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import Response

from common.wire import Id
from server.api.deps import CurrentStaff, DbSession, Settings
from server.core.clock import as_utc, utcnow
from server.feedback import workflow
from server.feedback.items import is_negative
from server.feedback.queries import (
    InboxFilter,
    Tally,
    apart_counts,
    is_overdue,
    items_csv,
    list_items,
    stats,
    unhappy_alerts,
)
from server.feedback.schemas import (
    FeedbackAssign,
    FeedbackItemOut,
    FeedbackNoteOut,
    FeedbackStatsOut,
    FeedbackStatus,
    FeedbackText,
    FeedbackTransition,
    RatingTally,
    UnhappyAlertOut,
)
from server.fleet.models import FeedbackItem

router = APIRouter(prefix="/admin/feedback", tags=["admin"])
# An age filter reaches back a century at most: further is before any feedback, and before year 1 for datetime.
MAX_AGE_HOURS = 100 * 366 * 24
AgeHours = Annotated[int, Query(ge=0, le=MAX_AGE_HOURS)]


def inbox_filter(category: Annotated[str | None, Query(max_length=40)] = None,
                 rating: Annotated[int | None, Query(ge=1, le=5)] = None, negative: bool = False,
                 terminal_id: Id | None = None, status: FeedbackStatus | None = None,
                 newer_than_hours: AgeHours | None = None,
                 older_than_hours: AgeHours | None = None,
                 overdue: bool = False, suppressed: bool = False) -> InboxFilter:
    return InboxFilter(category, rating, negative, terminal_id, status, newer_than_hours, older_than_hours,
                       overdue, suppressed)


Filter = Annotated[InboxFilter, Depends(inbox_filter)]


def item_out(item: FeedbackItem, now: datetime, notes=()) -> FeedbackItemOut:
    return FeedbackItemOut(
        id=item.id, tracking_number=item.tracking_number, terminal_id=item.terminal_id,
        terminal_name=item.terminal.name, category=item.category, rating=item.rating, text=item.text,
        reason=item.reason, phone=item.phone if item.consent else None, locale=item.locale,
        submitted_at=item.submitted_at, received_at=item.received_at, suppressed=item.suppressed,
        followup_due=item.followup_due, due_at=item.due_at, overdue=is_overdue(item, now),
        negative=is_negative(item.rating), status=item.status, reject_reason=item.reject_reason,
        assignee=item.assignee.username if item.assignee else None, public_reply=item.public_reply,
        replied_at=item.replied_at,
        notes=[FeedbackNoteOut(id=n.id, author=n.author, text=n.text, created_at=n.created_at) for n in notes],
    )


def _tally(tally: Tally) -> RatingTally:
    return RatingTally(key=tally.key, label=tally.label, total=tally.total, average=tally.average,
                       ratings={str(r): tally.ratings.get(r, 0) for r in range(1, 6)})


@router.get("")
def list_feedback(staff: CurrentStaff, db: DbSession, wanted: Filter,
                  limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> list[FeedbackItemOut]:
    now = utcnow()
    return [item_out(item, now) for item in list_items(db, wanted, now, limit)]


@router.get("/stats")
def feedback_stats(staff: CurrentStaff, db: DbSession, settings: Settings, since: datetime | None = None,
                   until: datetime | None = None) -> FeedbackStatsOut:
    found = stats(db, settings, as_utc(since), as_utc(until))
    apart = apart_counts(db)
    return FeedbackStatsOut(overall=_tally(found.overall), by_category=[_tally(t) for t in found.by_category],
                            by_terminal=[_tally(t) for t in found.by_terminal],
                            by_month=[_tally(t) for t in found.by_month], suppressed=apart.suppressed,
                            unreadable=apart.unreadable)


@router.get("/alerts")
def feedback_alerts(staff: CurrentStaff, db: DbSession, settings: Settings) -> list[UnhappyAlertOut]:
    return [UnhappyAlertOut(terminal_id=a.terminal_id, terminal_name=a.terminal_name, unhappy=a.unhappy, rated=a.rated)
            for a in unhappy_alerts(db, settings, utcnow())]


@router.get("/export.csv", response_model=None, responses={200: {"content": {"text/csv": {}}}})
def export_csv(staff: CurrentStaff, db: DbSession, wanted: Filter) -> Response:
    now = utcnow()
    text = items_csv(list_items(db, wanted, now, limit=100_000), now)
    # With a byte-order mark, so a spreadsheet opens the Chinese text as UTF-8.
    return Response(("\ufeff" + text).encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="feedback-{now:%Y%m%d}.csv"'})


def _item(db, item_id: Id, lock: bool = False) -> FeedbackItem:
    item = workflow.locked_item(db, item_id) if lock else db.get(FeedbackItem, item_id)
    if item is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such feedback item")
    return item


def _changed(db, item_id: Id, change) -> FeedbackItemOut:
    item = _item(db, item_id, lock=True)
    try:
        change(item)
    except workflow.FeedbackRefused as exc:
        db.rollback()
        code = status.HTTP_409_CONFLICT if exc.field == "status" else status.HTTP_422_UNPROCESSABLE_ENTITY
        raise HTTPException(code, {"field": exc.field, "message": str(exc)}) from None
    db.commit()
    return item_out(item, utcnow(), workflow.notes_of(db, item))


@router.get("/{item_id}")
def get_feedback(item_id: Id, staff: CurrentStaff, db: DbSession) -> FeedbackItemOut:
    item = _item(db, item_id)
    return item_out(item, utcnow(), workflow.notes_of(db, item))


@router.post("/{item_id}/transition")
def transition(item_id: Id, body: FeedbackTransition, staff: CurrentStaff, db: DbSession) -> FeedbackItemOut:
    return _changed(db, item_id, lambda item: workflow.transition(db, item, body.to, body.reason, staff.username))


@router.post("/{item_id}/assign")
def assign(item_id: Id, body: FeedbackAssign, staff: CurrentStaff, db: DbSession) -> FeedbackItemOut:
    return _changed(db, item_id, lambda item: workflow.assign(db, item, body.assignee_id, staff.username))


@router.post("/{item_id}/notes")
def add_note(item_id: Id, body: FeedbackText, staff: CurrentStaff, db: DbSession) -> FeedbackItemOut:
    return _changed(db, item_id, lambda item: workflow.add_note(db, item, body.text, staff.username))


@router.put("/{item_id}/reply")
def set_reply(item_id: Id, body: FeedbackText, staff: CurrentStaff, db: DbSession) -> FeedbackItemOut:
    return _changed(db, item_id, lambda item: workflow.set_reply(db, item, body.text, staff.username))
