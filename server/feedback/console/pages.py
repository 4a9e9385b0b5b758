"""Feedback in the console: the inbox with filters (suppressed and unreadable items counted apart), one item
with its workflow, assignee, internal notes and public reply, statistics with a chart, and the CSV export."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from common.wire import Id
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.core.ids import id_from_text
from server.feedback import workflow
from server.feedback.console.chart import bar_chart
from server.feedback.items import STATUSES, category_titles, is_negative
from server.feedback.queries import InboxFilter, apart_counts, is_overdue, items_csv, list_items, stats
from server.fleet.models import Admin, FeedbackItem, Terminal
from server.web.i18n import N_, language
from server.web.sessions import ConsoleDenied, ConsoleStaff
from server.web.templating import render

router = APIRouter()
Age = Literal["", "day", "week", "older"]
# Age choice -> (newer than, older than) hours.
_AGES: dict[str, tuple[int | None, int | None]] = {"": (None, None), "day": (24, None), "week": (168, None),
                                                   "older": (None, 168)}


def _filter(category: str = "", rating: str = "", terminal_id: str = "", status: str = "", age: Age = "",
            overdue: str = "", view: Literal["inbox", "suppressed"] = "inbox") -> InboxFilter:
    """The inbox form's choices (all optional, as the form sends them) as a filter."""
    newer, older = _AGES[age]
    return InboxFilter(
        category=category or None, rating=int(rating) if rating in ("1", "2", "3", "4", "5") else None,
        negative=rating == "negative", terminal_id=id_from_text(terminal_id),
        status=status if status in STATUSES else None, newer_than_hours=newer, older_than_hours=older,
        overdue=overdue == "1", suppressed=view == "suppressed")


Filter = Annotated[InboxFilter, Depends(_filter)]


def _titles(request: Request) -> dict[str, str]:
    """Category key -> title in the console's language."""
    lang = language(request)
    return {key: title.get(lang) for key, title in category_titles(request.app.state.builtin_settings).items()}


@router.get("/feedback")
def inbox(request: Request, user: ConsoleStaff, db: DbSession, wanted: Filter) -> Response:
    now = utcnow()
    return render(request, "feedback.html", {
        "items": list_items(db, wanted, now), "now": now, "is_overdue": is_overdue, "is_negative": is_negative,
        "apart": apart_counts(db), "titles": _titles(request), "statuses": STATUSES,
        "view": "suppressed" if wanted.suppressed else "inbox",
        "terminals": list(db.execute(select(Terminal.id, Terminal.name).order_by(Terminal.name))),
        "chosen": {key: request.query_params.get(key, "") for key in ("category", "rating", "terminal_id", "status",
                                                                      "age", "overdue")},
        "query": request.url.query,
    })


@router.get("/feedback/export.csv")
def export_csv(user: ConsoleStaff, db: DbSession, wanted: Filter) -> Response:
    """The inbox as filtered, as CSV."""
    now = utcnow()
    text = items_csv(list_items(db, wanted, now, limit=100_000), now)
    return Response(("\ufeff" + text).encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="feedback-{now:%Y%m%d}.csv"'})


@router.get("/feedback/stats")
def stats_page(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings,
               months: Annotated[int, Query(ge=1, le=120)] = 12) -> Response:
    found = stats(db, settings)
    titles = _titles(request)
    charts = {
        "ratings": bar_chart([(str(r), found.overall.ratings.get(r, 0)) for r in (5, 4, 3, 2, 1)]),
        "category": bar_chart([(titles.get(t.key, t.key), t.total) for t in found.by_category]),
        "month": bar_chart([(t.key, t.total) for t in found.by_month[-months:]]),
    }
    return render(request, "feedback_stats.html", {"stats": found, "charts": charts, "titles": titles,
                                                   "apart": apart_counts(db)})


def _item(db, item_id: Id, lock: bool = False) -> FeedbackItem:
    item = workflow.locked_item(db, item_id) if lock else db.get(FeedbackItem, item_id)
    if item is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return item


def _item_page(request: Request, db, item: FeedbackItem, errors: dict | None = None, form: dict | None = None,
               status_code: int = 200) -> Response:
    now = utcnow()
    return render(request, "feedback_item.html", {
        "item": item, "notes": workflow.notes_of(db, item), "errors": errors or {}, "form": form or {},
        "next_statuses": workflow.TRANSITIONS[item.status], "overdue": is_overdue(item, now),
        "negative": is_negative(item.rating), "titles": _titles(request),
        "staff": list(db.scalars(select(Admin).order_by(Admin.username))),
    }, status_code)


@router.get("/feedback/{item_id}")
def item_page(request: Request, item_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    return _item_page(request, db, _item(db, item_id))


def _change(request: Request, db, item_id: Id, change, form: dict) -> Response:
    item = _item(db, item_id, lock=True)
    try:
        change(item)
    except workflow.FeedbackRefused as exc:
        db.rollback()
        return _item_page(request, db, _item(db, item_id), {exc.field: str(exc)}, form, 422)
    db.commit()
    return RedirectResponse(f"/console/feedback/{item_id}", status_code=303)


@router.post("/feedback/{item_id}/status")
def change_status(request: Request, item_id: Id, user: ConsoleStaff, db: DbSession,
                  to: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    return _change(request, db, item_id, lambda item: workflow.transition(db, item, to, reason, user.username),
                   {"reason": reason})


@router.post("/feedback/{item_id}/assign")
def assign(request: Request, item_id: Id, user: ConsoleStaff, db: DbSession,
           assignee: Annotated[str, Form()] = "") -> Response:
    # Empty unassigns; anything but an id names no account (0), which the workflow refuses.
    assignee_id = (id_from_text(assignee) or 0) if assignee else None
    return _change(request, db, item_id, lambda item: workflow.assign(db, item, assignee_id, user.username), {})


@router.post("/feedback/{item_id}/notes")
def add_note(request: Request, item_id: Id, user: ConsoleStaff, db: DbSession,
             note: Annotated[str, Form()] = "") -> Response:
    return _change(request, db, item_id, lambda item: workflow.add_note(db, item, note, user.username),
                   {"note": note})


@router.post("/feedback/{item_id}/reply")
def set_reply(request: Request, item_id: Id, user: ConsoleStaff, db: DbSession,
              reply: Annotated[str, Form()] = "") -> Response:
    return _change(request, db, item_id, lambda item: workflow.set_reply(db, item, reply, user.username),
                   {"reply": reply})
