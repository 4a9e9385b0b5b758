"""Micro-wishes in the console: the queue (filter by status, overdue only), a new wish, one wish with its review
(public wording, publish, reject with a reason), the team it is assigned to, its claim and history, and the CSV
export. What a poster or claimant typed is shown escaped; their phones stay on these pages only."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.wire import Id
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.core.ids import id_from_text
from server.volunteers.models import VolunteerTeam
from server.web.i18n import N_
from server.web.sessions import ConsoleDenied, ConsoleStaff
from server.web.templating import render
from server.wishes import wishes
from server.wishes.models import WISH_STATUSES, Wish, WishPhoto

router = APIRouter()
# The refusals' codes as the console says them (translated in the template).
MESSAGES = {
    "empty": N_("Please fill this in."),
    "too_long": N_("That is too long; please shorten it."),
    "invalid_phone": N_("Please enter an 11-digit mainland mobile number."),
    "no_team": N_("No such team."),
    "personal_phone": N_("The public wording must not show a phone, ID or account number."),
    "personal_email": N_("The public wording must not show an e-mail address."),
    "not_publishable": N_("A rejected wish cannot be published."),
    "not_in_review": N_("Only a wish under review can be rejected."),
    "finished": N_("This wish is finished."),
    "not_claimed": N_("This wish is not claimed."),
}
CSV_COLUMNS = ("id", "tracking_number", "source", "status", "title", "for_whom", "text", "posted_at",
               "published_at", "assigned_team", "claim_team", "claimed_at", "overdue", "fulfilled_at",
               "fulfil_note", "reject_reason")


def _teams(db: Session) -> dict[int, VolunteerTeam]:
    return {team.id: team for team in db.scalars(select(VolunteerTeam).order_by(VolunteerTeam.sort_order))}


def _queue(db: Session, status: str, overdue: bool, now: datetime, days: int) -> list[Wish]:
    query = select(Wish).order_by(Wish.posted_at.desc(), Wish.id.desc())
    if status in WISH_STATUSES:
        query = query.where(Wish.status == status)
    found = list(db.scalars(query.limit(5000)))
    return [wish for wish in found if wishes.is_overdue(wish, now, days)] if overdue else found


@router.get("/wishes")
def queue(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings, status: str = "",
          overdue: str = "") -> Response:
    now = utcnow()
    found = _queue(db, status, overdue == "1", now, settings.wish_overdue_days)
    return render(request, "wishes.html", {
        "wishes": found, "teams": _teams(db), "statuses": WISH_STATUSES, "now": now,
        "overdue_days": settings.wish_overdue_days, "is_overdue": wishes.is_overdue,
        "chosen": {"status": status, "overdue": overdue}, "query": request.url.query,
        "in_review": sum(1 for wish in found if wish.status == "review")})


@router.get("/wishes/export.csv")
def export_csv(user: ConsoleStaff, db: DbSession, settings: Settings, status: str = "", overdue: str = "") -> Response:
    """The queue as filtered; no phone numbers or claimant names (they stay in the console)."""
    now = utcnow()
    teams = _teams(db)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for wish in _queue(db, status, overdue == "1", now, settings.wish_overdue_days):
        assigned, claimed = teams.get(wish.assigned_team_id or 0), teams.get(wish.claim_team_id or 0)
        writer.writerow([_cell(value) for value in (
            wish.id, wish.tracking_number, wish.source, wish.status, wish.title, wish.for_whom, wish.text,
            wish.posted_at, wish.published_at, assigned.name_zh if assigned else None,
            claimed.name_zh if claimed else None, wish.claimed_at,
            wishes.is_overdue(wish, now, settings.wish_overdue_days), wish.fulfilled_at, wish.fulfil_note,
            wish.reject_reason)])
    return Response(("\ufeff" + out.getvalue()).encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="wishes-{now:%Y%m%d}.csv"'})


def _cell(value) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/wishes/new")
def new_page(request: Request, user: ConsoleStaff) -> Response:
    return render(request, "wish_new.html", {"errors": {}, "form": {}})


@router.post("/wishes/new")
def create(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings,
           text: Annotated[str, Form(max_length=4000)] = "", phone: Annotated[str, Form(max_length=40)] = "") -> Response:
    try:
        wish, _code = wishes.post(db, settings, text, phone, "console", user.username)
    except wishes.WishRefused as exc:
        db.rollback()
        return render(request, "wish_new.html", {"errors": {exc.field: MESSAGES[str(exc)]},
                                                 "form": {"text": text, "phone": phone}}, 422)
    db.commit()
    return RedirectResponse(f"/console/wishes/{wish.id}", status_code=303)


def _wish(db: Session, wish_id: int, lock: bool = False) -> Wish:
    wish = wishes.locked(db, wish_id) if lock else db.get(Wish, wish_id)
    if wish is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return wish


def _wish_page(request: Request, db: Session, settings: Settings, wish: Wish, errors: dict | None = None,
               form: dict | None = None, status_code: int = 200) -> Response:
    return render(request, "wish.html", {
        "wish": wish, "teams": _teams(db), "errors": errors or {}, "form": form or {},
        "overdue": wishes.is_overdue(wish, utcnow(), settings.wish_overdue_days),
        "history": wishes.history(db, wish), "has_photo": db.get(WishPhoto, wish.id) is not None,
    }, status_code)


@router.get("/wishes/{wish_id}")
def wish_page(request: Request, wish_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    return _wish_page(request, db, settings, _wish(db, wish_id))


@router.get("/wishes/{wish_id}/photo.jpg")
def wish_photo(wish_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    found = db.get(WishPhoto, wish_id)
    if found is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return Response(found.jpeg, media_type="image/jpeg", headers={"X-Content-Type-Options": "nosniff"})


def _change(request: Request, db: Session, settings: Settings, wish_id: int, change, form: dict) -> Response:
    wish = _wish(db, wish_id, lock=True)
    try:
        change(wish)
    except wishes.WishRefused as exc:
        db.rollback()
        return _wish_page(request, db, settings, _wish(db, wish_id), {exc.field: MESSAGES[str(exc)]}, form, 422)
    db.commit()
    return RedirectResponse(f"/console/wishes/{wish_id}", status_code=303)


@router.post("/wishes/{wish_id}/publish")
def publish(request: Request, wish_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
            title: Annotated[str, Form(max_length=4000)] = "",
            for_whom: Annotated[str, Form(max_length=4000)] = "") -> Response:
    return _change(request, db, settings, wish_id,
                   lambda wish: wishes.publish(db, wish, title, for_whom, user.username),
                   {"title": title, "for_whom": for_whom})


@router.post("/wishes/{wish_id}/reject")
def reject(request: Request, wish_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
           reason: Annotated[str, Form(max_length=4000)] = "") -> Response:
    return _change(request, db, settings, wish_id, lambda wish: wishes.reject(db, wish, reason, user.username),
                   {"reason": reason})


@router.post("/wishes/{wish_id}/assign")
def assign(request: Request, wish_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
           team: Annotated[str, Form(max_length=12)] = "") -> Response:
    team_id = (id_from_text(team) or 0) if team else None
    return _change(request, db, settings, wish_id, lambda wish: wishes.assign(db, wish, team_id, user.username), {})


@router.post("/wishes/{wish_id}/release")
def release(request: Request, wish_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    """Staff take back a claim that stalled (the claimant cannot be reached)."""
    return _change(request, db, settings, wish_id, lambda wish: wishes.release(db, wish, user.username), {})
