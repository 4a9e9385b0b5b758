"""The queue API: a terminal takes a number, polls the calls and rates a scanned slip; staff set the windows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel, Field

from common.catalogue import Text
from common.queue_wire import (
    QueueCalls,
    QueueNumber,
    QueueWindowState,
    SlipAnswer,
    SlipLookup,
    SlipRating,
    TakeNumber,
)
from common.wire import MAX_INT32, Id
from server.api.deps import CurrentStaff, CurrentTerminal, DbSession, Settings
from server.core.clock import utcnow
from server.queueing import calls, numbers, ratings, windows
from server.web.public_url import public_url

router = APIRouter(prefix="/terminal/queue", tags=["terminal"])
admin_router = APIRouter(prefix="/admin/queue", tags=["admin"])


class WindowSettings(BaseModel):
    is_open: bool
    staff: str = Field(default="", max_length=80)
    opens: str = Field(default=windows.DEFAULT_OPENS, max_length=5)
    closes: str = Field(default=windows.DEFAULT_CLOSES, max_length=5)
    daily_limit: int = Field(default=windows.DEFAULT_DAILY_LIMIT, ge=1, le=windows.MAX_DAILY_LIMIT)


class WindowOut(WindowSettings):
    id: int
    letter: str
    name: Text
    phone: str
    service_codes: list[str]
    waiting: int


def _window_out(db, window: windows.Window) -> WindowOut:
    row = window.row
    return WindowOut(id=row.id, letter=row.letter, name=window.name, phone=window.phone,
                     service_codes=[s.code for s in window.services], waiting=numbers.waiting_count(db, row.id),
                     is_open=row.is_open, staff=row.staff, opens=row.opens, closes=row.closes,
                     daily_limit=row.daily_limit)


@admin_router.get("/windows")
def list_windows(staff: CurrentStaff, db: DbSession) -> list[WindowOut]:
    found = [_window_out(db, window) for window in windows.windows(db)]
    db.commit()  # windows new to the queue keep their letters
    return found


@admin_router.put("/windows/{window_id}", responses={404: {"description": "no such window"}})
def set_window(window_id: Id, body: WindowSettings, staff: CurrentStaff, db: DbSession) -> WindowOut:
    window = windows.by_id(db, window_id)
    if window is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such window")
    try:
        windows.update(window.row, body.is_open, body.staff, body.opens, body.closes, str(body.daily_limit))
    except windows.WindowSettingsError as error:
        db.rollback()
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            {"field": error.field, "message": str(error)}) from None
    db.commit()
    return _window_out(db, window)


@router.post("/numbers", responses={409: {"description": "none issued: ``detail`` is a QueueRefused (the reason, "
                                                        "and the window's name and phone)"}})
def take_number(body: TakeNumber, terminal: CurrentTerminal, db: DbSession, settings: Settings,
                request: Request) -> QueueNumber:
    """Issue a number for a service; 409 with the reason (and the window's phone) when none can be issued."""
    try:
        issued = numbers.take(db, terminal.id, body, utcnow(), settings.timezone, public_url(request))
    except numbers.NumberRefused as refused:
        db.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, refused.answer.model_dump(mode="json")) from None
    db.commit()
    return issued


@router.get("/windows")
def window_states(terminal: CurrentTerminal, db: DbSession, settings: Settings) -> list[QueueWindowState]:
    states = numbers.window_states(db, utcnow(), settings.timezone)
    db.commit()  # windows new to the queue keep their letters
    return states


@router.get("/calls")
def calls_since(terminal: CurrentTerminal, db: DbSession,
                after: Annotated[int | None, Query(ge=0, le=MAX_INT32)] = None) -> QueueCalls:
    """Calls made after call ``after``; without it, only where the list stands (no old calls to announce)."""
    if after is None:
        latest = calls.calls_after(db, 0, limit=1)
        return QueueCalls(calls=[], last_id=latest[-1].id if latest else 0)
    made = calls.calls_after(db, after) if after else calls.calls_after_start(db)
    return QueueCalls(calls=made, last_id=made[-1].id if made else after)


@router.post("/slip")
def look_up_slip(body: SlipLookup, terminal: CurrentTerminal, db: DbSession) -> SlipAnswer:
    return ratings.slip_answer(db, numbers.by_token(db, body.token))


@router.post("/rating", responses={409: {"description": "not served yet, or rated already"}})
def rate_slip(body: SlipRating, terminal: CurrentTerminal, db: DbSession, settings: Settings) -> SlipAnswer:
    ticket = ratings.locked_by_token(db, body.token)
    if ticket is None:
        return SlipAnswer(state="unknown")
    try:
        ratings.rate(db, settings, ticket, body.rating, body.reason, body.locale, utcnow())
    except ratings.RatingRefused as refused:
        db.rollback()
        code = status.HTTP_409_CONFLICT if refused.field == "status" else status.HTTP_422_UNPROCESSABLE_ENTITY
        raise HTTPException(code, {"field": refused.field, "message": str(refused)}) from None
    db.commit()
    return ratings.slip_answer(db, ticket)
