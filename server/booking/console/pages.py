"""Space booking in the console (operators and admins: spaces are content): the spaces with their usage, each
space's week as a calendar with every booking and its check-in state, staff cancellation, the space editor (rules,
hours, closures) and the CSV export. Contact details are shown in full here only."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from common.wire import Id
from server.api.deps import DbSession, Settings
from server.booking import bookings, slots, spaces, stats
from server.booking.models import Booking, Space
from server.booking.schemas import ClosureFields, SpaceFields
from server.core.clock import utcnow
from server.web.i18n import N_
from server.web.sessions import ConsoleDenied, ConsoleStaff, SubmittedForm
from server.web.templating import render

router = APIRouter()
USAGE_DAYS = 30
FIELD_NAMES = tuple(SpaceFields.model_fields)


def _space(db, space_id: int) -> Space:
    space = spaces.get(db, space_id)
    if space is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return space


def _today(settings) -> date:
    return slots.local_day(utcnow(), ZoneInfo(settings.timezone))


@router.get("/booking")
def space_list(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    today = _today(settings)
    first = today - timedelta(days=USAGE_DAYS - 1)
    rows = spaces.all_spaces(db)
    return render(request, "booking_spaces.html", {
        "usage": stats.usage(db, rows, first, today, ZoneInfo(settings.timezone)), "first": first, "today": today,
        "days": USAGE_DAYS})


@router.get("/booking/export.csv")
def export_csv(user: ConsoleStaff, db: DbSession, settings: Settings, days: int = USAGE_DAYS) -> Response:
    today = _today(settings)
    first = today - timedelta(days=max(1, min(days, 3660)) - 1)
    text = stats.bookings_csv(db, first, today + timedelta(days=60), ZoneInfo(settings.timezone))
    return Response(("\ufeff" + text).encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="bookings.csv"'})


@router.get("/booking/{space_id}")
def calendar(request: Request, space_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
             week: str = "") -> Response:
    try:
        monday = stats.week_start(date.fromisoformat(week[:10]))
    except ValueError:
        monday = stats.week_start(_today(settings))
    return _calendar_page(request, db, settings, _space(db, space_id), monday, {}, {})


@router.post("/booking/{space_id}/bookings/{booking_id}/cancel")
def cancel_booking(space_id: Id, booking_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    booking = db.get(Booking, booking_id)
    if booking is None or booking.space_id != space_id:
        raise ConsoleDenied(N_("Not found"), 404)
    bookings.cancel(db, booking, f"console:{user.username}", utcnow())
    db.commit()
    week = booking.starts_at.date().isoformat()
    return RedirectResponse(f"/console/booking/{space_id}?week={week}", status_code=303)


@router.post("/booking/{space_id}/closures")
def add_closure(request: Request, space_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
                form: SubmittedForm) -> Response:
    space = _space(db, space_id)
    values = {key: str(form.get(key, ""))[:200] for key in ("first_day", "last_day", "reason")}
    try:
        fields = ClosureFields.model_validate({**values, "last_day": values["last_day"] or values["first_day"]})
    except ValidationError:
        errors = {"first_day": N_("Enter the first and last day, the last not before the first.")}
        return _calendar_page(request, db, settings, space, stats.week_start(_today(settings)), values, errors, 422)
    spaces.add_closure(db, space, fields, user.username)
    db.commit()
    return RedirectResponse(f"/console/booking/{space.id}?week={fields.first_day.isoformat()}", status_code=303)


def _calendar_page(request: Request, db, settings, space: Space, monday: date, closure_values: dict,
                   closure_errors: dict, status_code: int = 200) -> Response:
    zone = ZoneInfo(settings.timezone)
    times, days = stats.calendar(db, space, monday, zone)
    return render(request, "booking_calendar.html", {
        "space": space, "times": times, "days": days, "monday": monday, "zone": settings.timezone,
        "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7), "today": _today(settings),
        "closures": spaces.closures(db, space.id, _today(settings)), "closure_values": closure_values,
        "closure_errors": closure_errors, "local": lambda moment: moment.astimezone(zone).strftime("%H:%M"),
        "now": utcnow()}, status_code)


@router.post("/booking/{space_id}/closures/{closure_id}/delete")
def remove_closure(space_id: Id, closure_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    spaces.remove_closure(db, _space(db, space_id), closure_id, user.username)
    db.commit()
    return RedirectResponse(f"/console/booking/{space_id}", status_code=303)


@router.get("/booking-spaces/new")
def new_space(request: Request, user: ConsoleStaff) -> Response:
    defaults = SpaceFields(name_zh="-", name_en="-", capacity=8, opens="09:00", closes="17:00", slot_minutes=60,
                           max_minutes_per_day=120, days_ahead=7).model_dump()
    return _editor(request, None, {**defaults, "name_zh": "", "name_en": ""}, {})


@router.post("/booking-spaces/new")
def create_space(request: Request, user: ConsoleStaff, db: DbSession, form: SubmittedForm) -> Response:
    return _save(request, db, None, form, user.username)


@router.get("/booking/{space_id}/edit")
def edit_space(request: Request, space_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    space = _space(db, space_id)
    return _editor(request, space, spaces.fields_of(space).model_dump(), {})


@router.post("/booking/{space_id}/edit")
def save_space(request: Request, space_id: Id, user: ConsoleStaff, db: DbSession, form: SubmittedForm) -> Response:
    return _save(request, db, _space(db, space_id), form, user.username)


def _save(request: Request, db, space: Space | None, form, actor: str) -> Response:
    values: dict = {key: str(form.get(key, ""))[:200] for key in FIELD_NAMES}
    values["weekdays"] = "".join(sorted({str(v) for v in form.getlist("weekdays") if str(v) in "0123456"}))
    values["active"] = form.get("active") == "on"
    try:
        fields = SpaceFields.model_validate(values)
    except ValidationError as exc:
        errors = {str(e["loc"][0]) if e["loc"] else "": _problem(e["type"]) for e in exc.errors(include_url=False)}
        return _editor(request, space, values, errors, 422)
    if space is None:
        space = spaces.create(db, fields, actor)
    else:
        spaces.update(db, space, fields, actor)
    db.commit()
    return RedirectResponse(f"/console/booking/{space.id}?saved=1", status_code=303)


def _problem(kind: str) -> str:
    if kind == "value_error":
        return N_("The opening hours must hold at least one slot, and the daily limit at least one slot.")
    if kind in ("string_pattern_mismatch", "string_too_short"):
        return N_("Required, in the form shown.")
    return N_("Enter a number in the range shown.")


def _editor(request: Request, space: Space | None, values: dict, errors: dict, status_code: int = 200) -> Response:
    return render(request, "booking_space_edit.html", {"space": space, "values": values, "errors": errors},
                  status_code)
