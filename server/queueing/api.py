"""A terminal's queue calls: take a number, the calls made since its last poll, and a scanned slip's rating."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse

from common.queue_wire import QueueCalls, QueueNumber, QueueRefused, SlipAnswer, SlipLookup, SlipRating, TakeNumber
from common.wire import MAX_INT32
from server.api.deps import CurrentTerminal, DbSession, Settings
from server.core.clock import utcnow
from server.queueing import calls, numbers, ratings

router = APIRouter(prefix="/terminal/queue", tags=["terminal"])


@router.post("/numbers", response_model=QueueNumber, responses={409: {"model": QueueRefused}})
def take_number(body: TakeNumber, terminal: CurrentTerminal, db: DbSession, settings: Settings,
                request: Request) -> QueueNumber | JSONResponse:
    """Issue a number for a service; 409 with the reason (and the window's phone) when none can be issued."""
    try:
        issued = numbers.take(db, terminal.id, body, utcnow(), settings.timezone, str(request.base_url))
    except numbers.NumberRefused as refused:
        db.rollback()
        return JSONResponse(refused.answer.model_dump(mode="json"), status_code=status.HTTP_409_CONFLICT)
    db.commit()
    return issued


@router.get("/calls")
def calls_since(terminal: CurrentTerminal, db: DbSession,
                after: Annotated[int, Query(ge=0, le=MAX_INT32)] = 0) -> QueueCalls:
    """Calls made after call ``after``; with 0, only where the list stands (no old calls to announce)."""
    made = calls.calls_after(db, after, limit=calls.MAX_CALLS if after else 1)
    return QueueCalls(calls=made if after else [], last_id=made[-1].id if made else after)


@router.post("/slip")
def look_up_slip(body: SlipLookup, terminal: CurrentTerminal, db: DbSession) -> SlipAnswer:
    return ratings.slip_answer(db, numbers.by_token(db, body.token))


@router.post("/rating", response_model=SlipAnswer, responses={409: {"description": "not served yet, or rated already"}})
def rate_slip(body: SlipRating, terminal: CurrentTerminal, db: DbSession, settings: Settings) -> SlipAnswer | JSONResponse:
    ticket = ratings.locked_by_token(db, body.token)
    if ticket is None:
        return SlipAnswer(state="unknown")
    try:
        ratings.rate(db, settings, ticket, body.rating, body.reason, body.locale, utcnow())
    except ratings.RatingRefused as refused:
        db.rollback()
        code = status.HTTP_409_CONFLICT if refused.field == "status" else status.HTTP_422_UNPROCESSABLE_ENTITY
        return JSONResponse({"detail": {"field": refused.field, "message": str(refused)}}, status_code=code)
    db.commit()
    return ratings.slip_answer(db, ticket)
