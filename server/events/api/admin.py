"""Events for staff (operators and admins: events are content): events, attendees and their tickets, check-ins,
attendance, CSV export; ticket keys (rotation and withdrawal need the admin role)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from common.wire import Id
from server.api.deps import CurrentAdmin, CurrentStaff, DbSession
from server.api.errors import BodyRejected
from server.events import attendees, checkins, events, tickets_issue
from server.events.schemas import (
    Attendance,
    AttendeeFields,
    AttendeeImportRejected,
    AttendeeImportResult,
    AttendeeInfo,
    CheckinFlag,
    CheckinInfo,
    EventFields,
    EventInfo,
    TerminalGroupInfo,
    TicketKeyInfo,
)
from server.fleet.models import Event, Registration

router = APIRouter(prefix="/admin", tags=["admin"])
_REFUSED: dict[int | str, dict[str, Any]] = {409: {"description": "the event's state does not allow this"}}


def _event(event_id: Id, db: DbSession) -> Event:
    event = events.get(db, event_id)
    if event is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such event")
    return event


def _registration(registration_id: Id, event: Annotated[Event, Depends(_event)], db: DbSession) -> Registration:
    registration = db.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such attendee of this event")
    return registration


PathEvent = Annotated[Event, Depends(_event)]
PathRegistration = Annotated[Registration, Depends(_registration)]


@router.get("/events")
def list_events(staff: CurrentStaff, db: DbSession) -> list[EventInfo]:
    rows = events.list_events(db)
    counts = events.attendance(db, rows)
    return [events.info(db, event, counts[event.id]) for event in rows]


@router.post("/events", status_code=status.HTTP_201_CREATED, responses=_REFUSED)
def create_event(body: EventFields, staff: CurrentStaff, db: DbSession) -> EventInfo:
    event = _refusing(lambda: events.create(db, body, staff.username))
    db.commit()
    return events.info(db, event)


@router.get("/events/{event_id}")
def get_event(event: PathEvent, staff: CurrentStaff, db: DbSession) -> EventInfo:
    return events.info(db, event)


@router.put("/events/{event_id}", responses=_REFUSED)
def update_event(body: EventFields, event: PathEvent, staff: CurrentStaff, db: DbSession) -> EventInfo:
    _refusing(lambda: events.update(db, event, body, staff.username))
    db.commit()
    return events.info(db, event)


@router.post("/events/{event_id}/publish", responses=_REFUSED)
def publish_event(event: PathEvent, staff: CurrentStaff, db: DbSession) -> EventInfo:
    _refusing(lambda: events.publish(db, event, staff.username))
    db.commit()
    return events.info(db, event)


@router.post("/events/{event_id}/cancel")
def cancel_event(event: PathEvent, staff: CurrentStaff, db: DbSession) -> EventInfo:
    events.cancel(db, event, staff.username)
    db.commit()
    return events.info(db, event)


@router.delete("/events/{event_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_REFUSED)
def delete_event(event: PathEvent, staff: CurrentStaff, db: DbSession) -> Response:
    _refusing(lambda: events.delete_draft(db, event, staff.username))
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/events/{event_id}/attendance")
def event_attendance(event: PathEvent, staff: CurrentStaff, db: DbSession) -> Attendance:
    return events.attendance(db, [event])[event.id]


@router.get("/events/{event_id}/attendees")
def list_attendees(event: PathEvent, staff: CurrentStaff, db: DbSession) -> list[AttendeeInfo]:
    rows = attendees.list_for_event(db, event.id)
    counted = attendees.checked_in_at(db, [r.ticket_id for r in rows])
    return [attendees.info(r, counted.get(r.ticket_id)) for r in rows]


@router.post("/events/{event_id}/attendees", status_code=status.HTTP_201_CREATED,
             responses={409: {"description": "the phone is registered for this event already"}})
def add_attendee(body: AttendeeFields, event: PathEvent, staff: CurrentStaff, db: DbSession) -> AttendeeInfo:
    try:
        registration = attendees.register(db, event, body, "import", staff.username)
    except attendees.RegistrationRefused as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    db.commit()
    return attendees.info(registration, None)


async def _csv_body(request: Request) -> bytes:
    return await request.body()


@router.post("/events/{event_id}/attendees/import",
             responses={422: {"model": AttendeeImportRejected, "description": "errors by row; nothing imported"}},
             openapi_extra={"requestBody": {"content": {"text/csv": {}}}})
def import_attendees(event: PathEvent, staff: CurrentStaff, db: DbSession,
                     body: Annotated[bytes, Depends(_csv_body)]) -> AttendeeImportResult:
    """CSV (UTF-8, a header row: name, phone, organisation — or 姓名, 手机, 单位), all rows or none."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _import_rejected(f"the file is not UTF-8: {exc}", []) from exc
    try:
        outcome = attendees.import_csv(db, event, text, staff.username)
    except attendees.ImportRejected as exc:
        raise _import_rejected(str(exc), exc.errors) from exc
    db.commit()
    return AttendeeImportResult(created=outcome.created, unchanged=outcome.unchanged)


@router.post("/events/{event_id}/attendees/{registration_id}/revoke")
def revoke_attendee(registration: PathRegistration, staff: CurrentStaff, db: DbSession) -> AttendeeInfo:
    attendees.revoke(db, registration, staff.username)
    db.commit()
    counted = attendees.checked_in_at(db, [registration.ticket_id])
    return attendees.info(registration, counted.get(registration.ticket_id))


@router.get("/events/{event_id}/attendees/{registration_id}/ticket.{image_format}", response_model=None,
            responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}})
def ticket_image(registration: PathRegistration, image_format: Literal["png", "svg"], staff: CurrentStaff,
                 db: DbSession) -> Response:
    if registration.revoked_at is not None:
        raise HTTPException(status.HTTP_410_GONE, "this ticket is revoked")
    data, media_type = tickets_issue.ticket_image(tickets_issue.ticket_text(db, registration), image_format)
    filename = f"ticket-{registration.event_id}-{registration.ticket_id}.{image_format}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                          "Cache-Control": "no-store"})


@router.get("/events/{event_id}/checkins")
def list_checkins(event: PathEvent, staff: CurrentStaff, db: DbSession, flag: CheckinFlag | None = None,
                  limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> list[CheckinInfo]:
    rows = checkins.list_for_event(db, event.id, flag, limit)
    names = checkins.attendee_names(db, {r.ticket_id for r in rows if r.ticket_id is not None})
    return [checkins.info(r, names) for r in rows]


@router.get("/events/{event_id}/export.csv", response_model=None, responses={200: {"content": {"text/csv": {}}}})
def export_attendees(event: PathEvent, staff: CurrentStaff, db: DbSession) -> Response:
    """Attendees with their check-in (the one that counts), full phone numbers: a file for staff only."""
    rows = attendees.list_for_event(db, event.id)
    counted = attendees.checked_in_at(db, [r.ticket_id for r in rows])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "phone", "organisation", "source", "ticket_id", "registered_at", "revoked_at",
                     "checked_in_at", "terminal", "mode"])
    for r in rows:
        c = counted.get(r.ticket_id)
        writer.writerow([_cell(r.name), r.phone, _cell(r.organisation), r.source, r.ticket_id, r.created_at.isoformat(),
                         r.revoked_at.isoformat() if r.revoked_at else "", c.scanned_at.isoformat() if c else "",
                         _cell(c.terminal_name) if c else "", c.mode if c else ""])
    headers = {"Content-Disposition": f'attachment; filename="event-{event.id}-attendees.csv"'}
    # With a byte-order mark, so a spreadsheet opens the Chinese text as UTF-8.
    return Response(("\ufeff" + out.getvalue()).encode(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/terminal-groups")
def list_terminal_groups(staff: CurrentStaff, db: DbSession) -> list[TerminalGroupInfo]:
    """The groups an event can be offered at (``group_ids`` of an event)."""
    return [TerminalGroupInfo(id=group.id, name=group.name) for group in events.terminal_groups(db)]


@router.get("/ticket-keys")
def list_ticket_keys(staff: CurrentStaff, db: DbSession) -> list[TicketKeyInfo]:
    return [tickets_issue.key_info(row) for row in tickets_issue.list_keys(db)]


@router.post("/ticket-keys/rotate", status_code=status.HTTP_201_CREATED)
def rotate_ticket_key(admin: CurrentAdmin, db: DbSession) -> TicketKeyInfo:
    row = tickets_issue.rotate(db, admin.username)
    db.commit()
    return tickets_issue.key_info(row)


@router.post("/ticket-keys/{key_id}/withdraw")
def withdraw_ticket_key(key_id: Id, admin: CurrentAdmin, db: DbSession) -> TicketKeyInfo:
    try:
        row = tickets_issue.withdraw(db, key_id, admin.username)
    except tickets_issue.KeyRefused as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    db.commit()
    return tickets_issue.key_info(row)


def _refusing(change):
    try:
        return change()
    except events.EventRefused as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None


def _cell(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet: names come from the public.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _import_rejected(detail: str, errors) -> BodyRejected:
    return BodyRejected(AttendeeImportRejected(detail=detail, errors=errors))
