"""Building matters in the console: the matters (raise, from a kiosk proposal or a feedback item, the workflow,
progress notes, the public resolution, history, CSV), the monthly meetings (agenda, minutes, decisions that
assign matters) and the building convention (edited as a new version each time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from common.wire import Id
from server.api.deps import DbSession, Settings
from server.core.clock import utcnow
from server.core.ids import id_from_text
from server.feedback import workflow as feedback_workflow
from server.matters import convention, meetings
from server.matters import matters as matters_domain
from server.matters.matters import STATUSES, UNIT_KINDS, MatterRefused
from server.matters.models import Matter, Meeting
from server.web.i18n import N_
from server.web.sessions import ConsoleDenied, ConsoleStaff
from server.web.templating import render

router = APIRouter()
FormText = Annotated[str, Form()]
# Status and member-unit words of the console's language (gettext msgids).
STATUS_NAMES = {"raised": N_("Raised, awaiting a meeting"), "assigned": N_("Assigned to a unit"),
                "in_progress": N_("Being handled"), "resolved": N_("Settled"), "declined": N_("Declined")}
UNIT_NAMES = {"operator": N_("Building operator"), "property": N_("Property manager"), "company": N_("Tenant company"),
              "department": N_("District department"), "street": N_("Street party committee")}
VIA_NAMES = {"kiosk": N_("Kiosk proposal"), "console": N_("Console"), "feedback": N_("Feedback item")}
NAMES = {"status_names": STATUS_NAMES, "unit_names": UNIT_NAMES, "via_names": VIA_NAMES}


def _today(settings) -> date:
    return utcnow().astimezone(ZoneInfo(settings.timezone)).date()


def _date(value: str, field: str) -> date | None:
    """A form's YYYY-MM-DD (empty: none); anything else is the field's error."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise MatterRefused(field, "Give the date as YYYY-MM-DD.") from None


def _matter(db: Session, matter_id: int | None, lock: bool = False) -> Matter:
    matter = None if matter_id is None else (matters_domain.locked(db, matter_id) if lock
                                             else db.get(Matter, matter_id))
    if matter is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return matter


def _meeting(db: Session, meeting_id: int | None) -> Meeting:
    meeting = db.get(Meeting, meeting_id) if meeting_id is not None else None
    if meeting is None:
        raise ConsoleDenied(N_("Not found"), 404)
    return meeting


def _attempt(db: Session, change: Callable[[], str], refused: Callable[[dict], Response]) -> Response:
    """Run ``change`` (which returns where to go next) and commit; a refusal rolls back and shows the page again
    with the error beside its field (422)."""
    try:
        where = change()
    except MatterRefused as exc:
        db.rollback()
        return refused({exc.field: str(exc)})
    db.commit()
    return RedirectResponse(where, status_code=303)


# -- matters -----------------------------------------------------------------------------------------


def _list_page(request: Request, db: Session, settings, status: str = "", overdue: str = "",
               errors: dict | None = None, form: dict | None = None, status_code: int = 200) -> Response:
    today = _today(settings)
    found = matters_domain.list_matters(db, status or None, today if overdue == "1" else None)
    return render(request, "matters.html", {
        "matters": found, "today": today, "is_overdue": matters_domain.is_overdue, "statuses": STATUSES,
        "proposals": matters_domain.waiting_proposals(db), "chosen": {"status": status, "overdue": overdue},
        "errors": errors or {}, "form": form or {}, "query": request.url.query, **NAMES,
    }, status_code)


@router.get("/matters")
def matters_page(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings, status: str = "",
                 overdue: str = "") -> Response:
    return _list_page(request, db, settings, status if status in (*STATUSES, "open") else "", overdue)


@router.get("/matters/export.csv")
def export_csv(user: ConsoleStaff, db: DbSession, settings: Settings, status: str = "",
               overdue: str = "") -> Response:
    today = _today(settings)
    found = matters_domain.list_matters(db, status or None, today if overdue == "1" else None, limit=100_000)
    return Response(("\ufeff" + matters_domain.matters_csv(found, today)).encode(),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="matters-{today:%Y%m%d}.csv"'})


@router.post("/matters")
def raise_matter(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings, title: FormText = "",
                 description: FormText = "", raised_by: FormText = "") -> Response:
    def change() -> str:
        matter = matters_domain.raise_matter(db, title=title, description=description, raised_by=raised_by,
                                             via="console", actor=user.username)
        return f"/console/matters/{matter.id}"

    form = {"title": title, "description": description, "raised_by": raised_by}
    return _attempt(db, change, lambda errors: _list_page(request, db, settings, errors=errors, form=form,
                                                          status_code=422))


@router.post("/matters/from-feedback/{item_id}")
def raise_from_feedback(request: Request, item_id: Id, user: ConsoleStaff, db: DbSession,
                        settings: Settings) -> Response:
    """"Raise as a building matter" on a feedback item (or a kiosk proposal in the matters list)."""
    item = feedback_workflow.locked_item(db, item_id)
    if item is None:
        raise ConsoleDenied(N_("Not found"), 404)

    def change() -> str:
        return f"/console/matters/{matters_domain.raise_from_feedback(db, item, user.username).id}"

    return _attempt(db, change, lambda errors: _list_page(request, db, settings, errors=errors, status_code=422))


def _matter_page(request: Request, db: Session, settings, matter: Matter, errors: dict | None = None,
                 form: dict | None = None, status_code: int = 200) -> Response:
    today = _today(settings)
    return render(request, "matter.html", {
        "matter": matter, "notes": matters_domain.notes_of(db, matter), "history": matters_domain.history(db, matter),
        "decisions": meetings.decisions_about(db, matter), "meetings": meetings.all_meetings(db),
        "next_statuses": matters_domain.TRANSITIONS[matter.status], "unit_kinds": UNIT_KINDS,
        "overdue": matters_domain.is_overdue(matter, today), "public_name": matters_domain.public_name(matter),
        "errors": errors or {}, "form": form or {}, **NAMES,
    }, status_code)


@router.get("/matters/{matter_id}")
def matter_page(request: Request, matter_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    return _matter_page(request, db, settings, _matter(db, matter_id))


def _change(request: Request, db: Session, settings, matter_id: int, apply: Callable[[Matter], object],
            form: dict) -> Response:
    matter = _matter(db, matter_id, lock=True)

    def change() -> str:
        apply(matter)
        return f"/console/matters/{matter_id}"

    return _attempt(db, change, lambda errors: _matter_page(request, db, settings, _matter(db, matter_id), errors,
                                                            form, 422))


@router.post("/matters/{matter_id}/edit")
def edit(request: Request, matter_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
         title: FormText = "", description: FormText = "", raised_by: FormText = "") -> Response:
    return _change(request, db, settings, matter_id, lambda matter: matters_domain.edit(
        db, matter, title, description, raised_by, user.username),
        {"title": title, "description": description, "raised_by": raised_by})


@router.post("/matters/{matter_id}/status")
def change_status(request: Request, matter_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
                  to: FormText = "", reason: FormText = "") -> Response:
    return _change(request, db, settings, matter_id,
                   lambda matter: matters_domain.transition(db, matter, to, reason, user.username), {"reason": reason})


@router.post("/matters/{matter_id}/resolve")
def resolve(request: Request, matter_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
            resolution: FormText = "") -> Response:
    return _change(request, db, settings, matter_id,
                   lambda matter: matters_domain.resolve(db, matter, resolution, user.username),
                   {"resolution": resolution})


@router.post("/matters/{matter_id}/notes")
def add_note(request: Request, matter_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
             note: FormText = "", public: FormText = "") -> Response:
    return _change(request, db, settings, matter_id,
                   lambda matter: matters_domain.add_note(db, matter, note, public == "1", user.username),
                   {"note": note, "public": public})


def _assign(db: Session, meeting_id: str, matter: Matter, unit_kind: str, unit_name: str, deadline: str,
            decision: str, actor: str) -> None:
    meeting = db.get(Meeting, id_from_text(meeting_id)) if id_from_text(meeting_id) else None
    if meeting is None:
        raise MatterRefused("meeting", "Choose the meeting that decided it.")
    meetings.decide(db, meeting, matter, unit_kind=unit_kind, unit_name=unit_name,
                    deadline=_date(deadline, "deadline"), decision=decision, actor=actor)


@router.post("/matters/{matter_id}/assign")
def assign(request: Request, matter_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
           meeting_id: FormText = "", unit_kind: FormText = "", unit_name: FormText = "", deadline: FormText = "",
           decision: FormText = "") -> Response:
    form = {"meeting_id": meeting_id, "unit_kind": unit_kind, "unit_name": unit_name, "deadline": deadline,
            "decision": decision}
    return _change(request, db, settings, matter_id, lambda matter: _assign(
        db, meeting_id, matter, unit_kind, unit_name, deadline, decision, user.username), form)


# -- meetings ----------------------------------------------------------------------------------------


def _meetings_page(request: Request, db: Session, errors: dict | None = None, form: dict | None = None,
                   status_code: int = 200) -> Response:
    return render(request, "matter_meetings.html", {"meetings": meetings.all_meetings(db), "errors": errors or {},
                                                    "form": form or {}}, status_code)


@router.get("/meetings")
def meetings_page(request: Request, user: ConsoleStaff, db: DbSession) -> Response:
    return _meetings_page(request, db)


@router.post("/meetings")
def create_meeting(request: Request, user: ConsoleStaff, db: DbSession, title: FormText = "", held_on: FormText = "",
                   place: FormText = "", attendees: FormText = "") -> Response:
    def change() -> str:
        meeting = meetings.create(db, title=title, held_on=_date(held_on, "held_on"), place=place,
                                  attendees=attendees, minutes="", actor=user.username)
        return f"/console/meetings/{meeting.id}"

    form = {"title": title, "held_on": held_on, "place": place, "attendees": attendees}
    return _attempt(db, change, lambda errors: _meetings_page(request, db, errors, form, 422))


def _meeting_page(request: Request, db: Session, settings, meeting: Meeting, errors: dict | None = None,
                  form: dict | None = None, status_code: int = 200) -> Response:
    return render(request, "matter_meeting.html", {
        "meeting": meeting, "agenda": meetings.agenda(db, meeting), "decisions": meetings.decisions_of(db, meeting),
        "unit_kinds": UNIT_KINDS, "today": _today(settings), "is_overdue": matters_domain.is_overdue,
        "errors": errors or {}, "form": form or {}, **NAMES,
    }, status_code)


@router.get("/meetings/{meeting_id}")
def meeting_page(request: Request, meeting_id: Id, user: ConsoleStaff, db: DbSession,
                 settings: Settings) -> Response:
    return _meeting_page(request, db, settings, _meeting(db, meeting_id))


@router.post("/meetings/{meeting_id}")
def update_meeting(request: Request, meeting_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
                   title: FormText = "", held_on: FormText = "", place: FormText = "", attendees: FormText = "",
                   minutes: FormText = "") -> Response:
    meeting = _meeting(db, meeting_id)

    def change() -> str:
        meetings.update(db, meeting, title=title, held_on=_date(held_on, "held_on"), place=place,
                        attendees=attendees, minutes=minutes, actor=user.username)
        return f"/console/meetings/{meeting_id}"

    form = {"title": title, "held_on": held_on, "place": place, "attendees": attendees, "minutes": minutes}
    return _attempt(db, change, lambda errors: _meeting_page(request, db, settings, _meeting(db, meeting_id),
                                                             errors, form, 422))


@router.post("/meetings/{meeting_id}/decide")
def decide(request: Request, meeting_id: Id, user: ConsoleStaff, db: DbSession, settings: Settings,
           matter_id: FormText = "", unit_kind: FormText = "", unit_name: FormText = "", deadline: FormText = "",
           decision: FormText = "") -> Response:
    meeting = _meeting(db, meeting_id)
    matter = _matter(db, id_from_text(matter_id), lock=True)

    def change() -> str:
        _assign(db, str(meeting.id), matter, unit_kind, unit_name, deadline, decision, user.username)
        return f"/console/meetings/{meeting_id}#matter-{matter.id}"

    form = {"matter_id": str(matter.id), "unit_kind": unit_kind, "unit_name": unit_name, "deadline": deadline,
            "decision": decision}
    return _attempt(db, change, lambda errors: _meeting_page(request, db, settings, _meeting(db, meeting_id),
                                                             errors, form, 422))


# -- the building convention -------------------------------------------------------------------------


def _convention_page(request: Request, db: Session, errors: dict | None = None, form: dict | None = None,
                     status_code: int = 200) -> Response:
    current = convention.current(db)
    return render(request, "matter_convention.html", {
        "current": current, "versions": convention.versions(db), "items_text": convention.items_text(current),
        "errors": errors or {}, "form": form or {}}, status_code)


@router.get("/convention")
def convention_page(request: Request, user: ConsoleStaff, db: DbSession) -> Response:
    return _convention_page(request, db)


@router.post("/convention")
def save_convention(request: Request, user: ConsoleStaff, db: DbSession, title: FormText = "",
                    preamble: FormText = "", items: FormText = "", comment: FormText = "") -> Response:
    def change() -> str:
        convention.save(db, title=title, preamble=preamble, items=items, comment=comment, actor=user.username)
        return "/console/convention"

    form = {"title": title, "preamble": preamble, "items": items, "comment": comment}
    return _attempt(db, change, lambda errors: _convention_page(request, db, errors, form, 422))
