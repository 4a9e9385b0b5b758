"""Volunteers in the console (operators and admins): the year's totals, teams with their members and hours,
the volunteer activities with each sign-up's check-in, check-out and minutes (edited here when someone forgot to
scan out, audited), and CSV exports. Built on server.volunteers.members, .hours and .totals."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from common.wire import Id
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.events import events
from server.fleet.models import Registration
from server.volunteers import hours, members, totals
from server.volunteers.console import views
from server.volunteers.models import VolunteerMember, VolunteerTeam
from server.volunteers.schemas import HoursEdit, MemberFields, TeamFields
from server.web.i18n import N_, language, translations
from server.web.sessions import ConsoleDenied, ConsoleStaff, SubmittedForm
from server.web.templating import render

router = APIRouter()
_PLAIN = {
    "missing": N_("This is required."),
    "string_too_short": N_("This is required."),
    "string_too_long": N_("At most {max_length} characters."),
    "string_pattern_mismatch": N_("Enter an 11-digit mainland mobile number."),
    "greater_than_equal": N_("The smallest allowed is {ge}."),
    "less_than_equal": N_("The largest allowed is {le}."),
    "int_parsing": N_("Enter a whole number."),
}


def _span(settings, year: int | None) -> tuple[int, datetime, datetime]:
    zone = ZoneInfo(settings.timezone)
    now = utcnow()
    if year is not None and 2000 <= year <= 2100:
        now = now.astimezone(zone).replace(year=year, month=6, day=1)
    since, until = totals.year_span(now, zone)
    return since.year, since, until


def _local(settings):
    zone = ZoneInfo(settings.timezone)
    return lambda moment: moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _team(db, team_id: int) -> VolunteerTeam:
    team = db.get(VolunteerTeam, team_id)
    if team is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return team


def _member(db, member_id: int) -> VolunteerMember:
    member = db.get(VolunteerMember, member_id)
    if member is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return member


def _errors(exc: ValidationError, gettext) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        plain = _PLAIN.get(error["type"])
        field = str(error["loc"][0]) if error["loc"] else ""
        errors.setdefault(field, gettext(plain).format(**error.get("ctx", {})) if plain else error["msg"])
    return errors


@router.get("/volunteers")
def overview(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings, year: int | None = None) -> Response:
    year, since, until = _span(settings, year)
    year_events = hours.volunteer_events(db, since, until)
    services = hours.services(db, year_events)
    tally = totals.Tally()
    by_event: dict[int, totals.Tally] = defaultdict(totals.Tally)
    for service in services:
        tally.add(service)
        by_event[service.event.id].add(service)
    signed_up: dict[int, int] = defaultdict(int)
    for service in services:
        signed_up[service.event.id] += 1
    teams = members.teams(db)
    return render(request, "volunteers.html", {
        "year": year, "tally": tally, "held": len(totals.held(year_events, utcnow())), "teams": teams,
        "team_names": {team.id: team for team in teams}, "counts": members.member_counts(db),
        "team_tallies": totals.per_team(db, services), "activities": year_events, "by_event": by_event,
        "signed_up": signed_up, "local": _local(settings), "zone": settings.timezone})


@router.get("/volunteers/teams/new")
def new_team(request: Request, user: ConsoleStaff) -> Response:
    return render(request, "volunteer_team_edit.html", {"team": None, "values": {"active": True}, "errors": {}})


@router.post("/volunteers/teams/new")
def create_team(request: Request, user: ConsoleStaff, db: DbSession, form: SubmittedForm) -> Response:
    return _save_team(request, db, None, form, user.username)


@router.get("/volunteers/teams/{team_id}/edit")
def edit_team(request: Request, team_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    team = _team(db, team_id)
    values = {name: getattr(team, name) for name in TeamFields.model_fields}
    return render(request, "volunteer_team_edit.html", {"team": team, "values": values, "errors": {}})


@router.post("/volunteers/teams/{team_id}/edit")
def save_team(request: Request, team_id: Id, user: ConsoleStaff, db: DbSession, form: SubmittedForm) -> Response:
    return _save_team(request, db, _team(db, team_id), form, user.username)


def _save_team(request: Request, db, team: VolunteerTeam | None, form, actor: str) -> Response:
    values: dict[str, Any] = {name: str(form.get(name, "")).strip()
                              for name in ("name_zh", "name_en", "description_zh", "description_en")}
    values["active"] = form.get("active") is not None
    try:
        fields = TeamFields.model_validate(values)
    except ValidationError as exc:
        return render(request, "volunteer_team_edit.html", {
            "team": team, "values": values, "errors": _errors(exc, translations(language(request)).gettext)}, 422)
    if team is None:
        team = members.add_team(db, fields, actor)
    else:
        members.update_team(db, team, fields, actor)
    db.commit()
    return RedirectResponse(f"/console/volunteers/teams/{team.id}?saved=1", status_code=303)


@router.get("/volunteers/teams/{team_id}")
def team_page(request: Request, team_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
              year: int | None = None) -> Response:
    return _team_page(request, db, settings, _team(db, team_id), year, {}, {})


def _team_page(request: Request, db, settings, team: VolunteerTeam, year: int | None, values: dict,
               errors: dict, status_code: int = 200) -> Response:
    year, since, until = _span(settings, year)
    rows = [row for row in totals.per_member(db, hours.services(db, hours.volunteer_events(db, since, until)))
            if row.team_id == team.id]
    return render(request, "volunteer_team.html", {
        "team": team, "year": year, "rows": rows, "values": values, "errors": errors,
        "saved": request.query_params.get("saved")}, status_code)


@router.post("/volunteers/teams/{team_id}/members")
def add_member(request: Request, team_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
               form: SubmittedForm) -> Response:
    team = _team(db, team_id)
    values, fields, errors = _read_member(request, form, team.id)
    if fields is not None:
        try:
            members.add(db, fields, user.username)
        except members.MemberRefused as exc:
            db.rollback()
            errors = {exc.field: translations(language(request)).gettext(N_("This number is on a team already."))}
    if errors or fields is None:
        return _team_page(request, db, settings, team, None, values, errors, 422)
    db.commit()
    return RedirectResponse(f"/console/volunteers/teams/{team.id}?saved=1", status_code=303)


@router.get("/volunteers/members/{member_id}")
def member_page(request: Request, member_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    member = _member(db, member_id)
    values = {"name": member.name, "phone": member.phone, "organisation": member.organisation,
              "leader": member.leader, "team_id": str(member.team_id)}
    return _member_page(request, db, member, values, {})


def _member_page(request: Request, db, member: VolunteerMember, values: dict, errors: dict,
                 status_code: int = 200) -> Response:
    return render(request, "volunteer_member.html", {
        "member": member, "values": values, "errors": errors, "teams": members.teams(db)}, status_code)


@router.post("/volunteers/members/{member_id}")
def save_member(request: Request, member_id: Id, user: ConsoleStaff, db: DbSession, form: SubmittedForm) -> Response:
    member = _member(db, member_id)
    values, fields, errors = _read_member(request, form, None)
    if fields is not None:
        try:
            members.update(db, member, fields, user.username)
        except members.MemberRefused as exc:
            db.rollback()
            gettext = translations(language(request)).gettext
            errors = {exc.field: gettext(N_("This number is on a team already.") if exc.field == "phone"
                                         else N_("Choose one of the list."))}
    if errors or fields is None:
        return _member_page(request, db, _member(db, member_id), values, errors, 422)
    db.commit()
    return RedirectResponse(f"/console/volunteers/teams/{member.team_id}?saved=1", status_code=303)


@router.post("/volunteers/members/{member_id}/remove")
def remove_member(request: Request, member_id: Id, user: ConsoleStaff, db: DbSession, form: SubmittedForm) -> Response:
    member = _member(db, member_id)
    team_id = member.team_id
    members.remove(db, member, user.username)
    db.commit()
    return RedirectResponse(f"/console/volunteers/teams/{team_id}?saved=1", status_code=303)


def _read_member(request: Request, form, team_id: int | None) -> tuple[dict, MemberFields | None, dict]:
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in ("name", "phone", "organisation", "team_id")}
    values["phone"] = values["phone"].replace(" ", "").replace("-", "")
    values["leader"] = form.get("leader") is not None
    if team_id is not None:
        values["team_id"] = str(team_id)
    try:
        return values, MemberFields.model_validate({**values, "team_id": values["team_id"] or None}), {}
    except ValidationError as exc:
        return values, None, _errors(exc, translations(language(request)).gettext)


@router.get("/volunteers/activities/{event_id}")
def activity_page(request: Request, event_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    return _activity_page(request, db, settings, event_id, None, {}, {})


def _activity_page(request: Request, db, settings, event_id: int, editing: int | None, values: dict, errors: dict,
                   status_code: int = 200) -> Response:
    event = events.get(db, event_id)
    if event is None or event.volunteer_team_id is None:
        raise ConsoleDenied(N_("Not found"), 404)
    services = hours.services(db, [event])
    tally = totals.Tally()
    for service in services:
        tally.add(service)
    return render(request, "volunteer_activity.html", {
        "event": event, "team": db.get(VolunteerTeam, event.volunteer_team_id), "services": services,
        "tally": tally, "max_minutes": hours.max_minutes(event), "editing": editing, "values": values,
        "errors": errors, "local": _local(settings), "zone": settings.timezone,
        "saved": request.query_params.get("saved")}, status_code)


@router.post("/volunteers/activities/{event_id}/hours/{registration_id}")
def edit_hours(request: Request, event_id: Id, registration_id: Id, user: ConsoleStaff, db: DbSession,
               settings: Settings, form: SubmittedForm) -> Response:
    gettext = translations(language(request)).gettext
    values = {"minutes": str(form.get("minutes", "")).strip(), "reason": str(form.get("reason", "")).strip()}
    try:
        fields = HoursEdit.model_validate(values)
    except ValidationError as exc:
        return _activity_page(request, db, settings, event_id, registration_id, values, _errors(exc, gettext), 422)
    registration = db.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        raise ConsoleDenied(N_("Not found"), 404)
    try:
        hours.edit(db, registration_id, fields, user.username)
    except hours.HoursRefused:
        db.rollback()
        event = events.get(db, event_id)
        limit = hours.max_minutes(event) if event is not None else 0
        message = gettext(N_("At most {minutes} minutes: from when check-in opens to the activity's end."))
        return _activity_page(request, db, settings, event_id, registration_id, values,
                              {"minutes": message.format(minutes=limit)}, 422)
    db.commit()
    return RedirectResponse(f"/console/volunteers/activities/{event_id}?saved=1#signup-{registration_id}",
                            status_code=303)


@router.get("/volunteers/members.csv")
def members_export(user: ConsoleStaff, db: DbSession, settings: Settings, year: int | None = None) -> Response:
    year, since, until = _span(settings, year)
    rows = totals.per_member(db, hours.services(db, hours.volunteer_events(db, since, until)))
    names = {team.id: team.name_zh for team in members.teams(db)}
    return _csv(views.members_csv(rows, lambda team_id: names.get(team_id, "") if team_id else ""),
                f"volunteer-hours-{year}.csv")


@router.get("/volunteers/teams.csv")
def teams_export(user: ConsoleStaff, db: DbSession, settings: Settings, year: int | None = None) -> Response:
    year, since, until = _span(settings, year)
    services = hours.services(db, hours.volunteer_events(db, since, until))
    return _csv(views.teams_csv(members.teams(db), members.member_counts(db), totals.per_team(db, services)),
                f"volunteer-teams-{year}.csv")


@router.get("/volunteers/activities/{event_id}/hours.csv")
def activity_export(event_id: Id, user: ConsoleStaff, db: DbSession) -> Response:
    event = events.get(db, event_id)
    if event is None or event.volunteer_team_id is None:
        raise ConsoleDenied(N_("Not found"), 404)
    rows = [[s.registration.name, s.registration.phone, s.registration.organisation, s.checked_in_at, s.checked_out_at,
             s.minutes, s.edit.edited_by if s.edit else "", s.edit.reason if s.edit else ""]
            for s in hours.services(db, [event])]
    return _csv(views.table_csv(views.SERVICE_COLUMNS, rows), f"volunteer-activity-{event.id}.csv")


def _csv(text: str, filename: str) -> Response:
    return Response(text.encode(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
