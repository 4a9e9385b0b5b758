"""Attendees (registrations): register one, import a CSV file, revoke, list; phone numbers masked for show.

A registration is a ticket: a random 31-bit ticket id (it says nothing about how many were issued; the
signature, not the id, makes a ticket unforgeable), the key that signs it, the attendee's name sealed with the
ticket text for terminals, and an unguessable page token for the attendee's ticket page /t/<token>.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common import tickets
from server.audit.log import audit
from server.core.clock import utcnow
from server.events import tickets_issue
from server.events.schemas import AttendeeFields, AttendeeInfo
from server.fleet.models import Checkin, Event, Registration
from server.fleet.schemas import CsvRowError
from server.volunteers import members as volunteer_members

MAX_IMPORT_ROWS = 20_000
CSV_COLUMNS = ("name", "phone", "organisation")
# Header names accepted for each column, so a spreadsheet made in Chinese imports as it is.
_HEADER_ALIASES = {"name": "name", "姓名": "name", "phone": "phone", "手机": "phone", "手机号": "phone",
                   "电话": "phone", "organisation": "organisation", "organization": "organisation", "单位": "organisation",
                   "组织": "organisation"}


class RegistrationRefused(ValueError):
    """Why a registration cannot be made (English, for staff; the public pages say it their own way)."""


class PhoneTaken(RegistrationRefused):
    """This phone number is registered for this event already."""


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    unchanged: int


class ImportRejected(ValueError):
    def __init__(self, errors: list[CsvRowError]):
        super().__init__(f"{len(errors)} row(s) with errors; nothing was imported")
        self.errors = errors


def mask_phone(phone: str) -> str:
    """138****1234: how a phone number is shown anywhere outside the console."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_name(name: str) -> str:
    """张** / A****: the first character only, for pages a stranger might see."""
    return name[:1] + "*" * max(1, min(len(name) - 1, 4))


SelfRegistrationClosed = Literal["no_event", "event_cancelled", "no_self_registration", "ended", "full"]


def self_registration_closed(db: Session, event: Event | None, now: datetime) -> SelfRegistrationClosed | None:
    """Why the public cannot register for ``event`` themselves now (the phone page's message), or None."""
    if event is None or event.status == "draft":
        return "no_event"
    if event.status == "cancelled":
        return "event_cancelled"
    if not event.self_registration:
        return "no_self_registration"
    if event.ends_at <= now:
        return "ended"
    if event.capacity is not None:
        taken = db.scalar(select(func.count()).select_from(Registration)
                          .where(Registration.event_id == event.id, Registration.revoked_at.is_(None)))
        if (taken or 0) >= event.capacity:
            return "full"
    return None


def register(db: Session, event: Event, fields: AttendeeFields, source: str, actor: str) -> Registration:
    """A new registration with its ticket. Raises PhoneTaken when the phone is registered for the event."""
    if find_by_phone(db, event.id, fields.phone) is not None:
        raise PhoneTaken(f"{mask_phone(fields.phone)} is registered for this event already")
    key_row, key = tickets_issue.signing_key(db)
    for _ in range(10):
        ticket_id = secrets.randbelow(2**31)
        text = tickets.issue(key, event.id, ticket_id)
        registration = Registration(
            event_id=event.id, ticket_id=ticket_id, key_id=key_row.id, name=fields.name, phone=fields.phone,
            organisation=fields.organisation, source=source, page_token=secrets.token_urlsafe(24),
            sealed_name=tickets.seal_name(text, fields.name), created_at=utcnow())
        try:
            with db.begin_nested():
                db.add(registration)
            break
        except IntegrityError:
            # The same phone a moment ago from another request, or (rarely) a ticket id already in use.
            if find_by_phone(db, event.id, fields.phone) is not None:
                raise PhoneTaken(f"{mask_phone(fields.phone)} is registered for this event already") from None
    else:
        raise RegistrationRefused("could not find a free ticket id")
    audit(db, actor, "attendee.register", f"event:{event.id}", ticket_id=ticket_id, source=source)
    if source == "self" and event.volunteer_team_id is not None:
        volunteer_members.join_from_signup(db, event.volunteer_team_id, fields.name, fields.phone, fields.organisation)
    return registration


def import_csv(db: Session, event: Event, text: str, actor: str) -> ImportOutcome:
    """Attendees from CSV (name, phone, organisation; a header row first), all or nothing.

    A row whose phone is registered already under the same name is left alone, so a corrected file can be
    imported again; every other problem is an error naming row and column, and then nothing is imported.
    """
    rows, errors = _parse_csv(text)
    existing = {r.phone: r for r in db.scalars(select(Registration).where(Registration.event_id == event.id))}
    wanted: list[AttendeeFields] = []
    unchanged = 0
    for number, fields in rows:
        known = existing.get(fields.phone)
        if known is not None and known.name == fields.name:
            unchanged += 1
        elif known is not None:
            errors.append(CsvRowError(row=number, column="phone", message=f"{mask_phone(fields.phone)} is registered "
                                      f"for this event already, under another name"))
        else:
            wanted.append(fields)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    for fields in wanted:
        register(db, event, fields, "import", actor)
    audit(db, actor, "attendee.import", f"event:{event.id}", created=len(wanted), unchanged=unchanged)
    return ImportOutcome(created=len(wanted), unchanged=unchanged)


def revoke(db: Session, registration: Registration, actor: str) -> None:
    """The ticket is refused from now on ("cancelled"); terminals learn it from their next bundle."""
    if registration.revoked_at is None:
        registration.revoked_at = utcnow()
        registration.revoked_by = actor
        audit(db, actor, "attendee.revoke", f"event:{registration.event_id}", ticket_id=registration.ticket_id)


def find_by_phone(db: Session, event_id: int, phone: str) -> Registration | None:
    return db.scalar(select(Registration).where(Registration.event_id == event_id, Registration.phone == phone))


def find_by_page_token(db: Session, token: str) -> Registration | None:
    return db.scalar(select(Registration).where(Registration.page_token == token))


def list_for_event(db: Session, event_id: int) -> list[Registration]:
    return list(db.scalars(select(Registration).where(Registration.event_id == event_id)
                           .order_by(Registration.created_at, Registration.id)))


def checked_in_at(db: Session, ticket_ids: list[int]) -> dict[int, Checkin]:
    """Ticket id -> the check-in that counts (the first by scan time), for those checked in."""
    if not ticket_ids:
        return {}
    rows = db.scalars(select(Checkin).where(Checkin.ticket_id.in_(ticket_ids), Checkin.server_verdict == "welcome"))
    return {row.ticket_id: row for row in rows if row.ticket_id is not None}


def info(registration: Registration, checkin: Checkin | None) -> AttendeeInfo:
    return AttendeeInfo(
        id=registration.id, event_id=registration.event_id, ticket_id=registration.ticket_id, name=registration.name,
        phone=registration.phone, phone_masked=mask_phone(registration.phone), organisation=registration.organisation,
        source=registration.source, created_at=registration.created_at, revoked_at=registration.revoked_at,
        ticket_page=f"/t/{registration.page_token}", checked_in_at=checkin.scanned_at if checkin else None,
    )


def _parse_csv(text: str) -> tuple[list[tuple[int, AttendeeFields]], list[CsvRowError]]:
    """(row number, fields) for the good rows and an error per problem; row 1 is the header."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        return [], [CsvRowError(row=1, column="", message="the file is empty")]
    columns = [_HEADER_ALIASES.get(name.strip().lower(), name.strip()) for name in header]
    missing = [name for name in ("name", "phone") if name not in columns]
    if missing:
        return [], [CsvRowError(row=1, column=name, message="missing column (the header needs name, phone, "
                                "organisation)") for name in missing]
    rows: list[tuple[int, AttendeeFields]] = []
    errors: list[CsvRowError] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            errors.append(CsvRowError(row=number, column="", message=f"more than {MAX_IMPORT_ROWS} rows"))
            break
        if not any(cell.strip() for cell in cells):
            continue
        values = {column: cells[i].strip() if i < len(cells) else "" for i, column in enumerate(columns)}
        values["phone"] = re.sub(r"[\s-]", "", values.get("phone", ""))
        try:
            fields = AttendeeFields(name=values["name"], phone=values["phone"],
                                    organisation=values.get("organisation", ""))
        except ValidationError as exc:
            errors.extend(CsvRowError(row=number, column=str(e["loc"][0]) if e["loc"] else "", message=_message(e))
                          for e in exc.errors(include_url=False))
            continue
        if fields.phone in seen:
            errors.append(CsvRowError(row=number, column="phone", message=f"the same phone as row {seen[fields.phone]}"))
            continue
        seen[fields.phone] = number
        rows.append((number, fields))
    return rows, errors


def _message(error: ErrorDetails) -> str:
    if error["type"] == "string_pattern_mismatch":
        return "not a mainland mobile number (11 digits starting 13-19)"
    return error["msg"]
