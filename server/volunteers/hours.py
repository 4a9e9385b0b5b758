"""Volunteer hours: each sign-up of a volunteer activity is credited from its check-in to its check-out (the
scans that count, server/events/checkins.py), capped at the activity's end; no check-out, no hours, until a
console user sets the minutes (an edit replaces the scans' count and is audited). Totals per member (by phone),
per team and per year are sums of these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.checkin_rules import credited_minutes
from server.audit.log import audit
from server.core.clock import utcnow
from server.fleet.models import Checkin, Event, Registration
from server.volunteers.models import VolunteerHoursEdit
from server.volunteers.schemas import HoursEdit


class HoursRefused(ValueError):
    """The message says why (English, for staff)."""


@dataclass(frozen=True)
class Service:
    """One sign-up of a volunteer activity and the time it is credited with."""

    registration: Registration
    event: Event
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    edit: VolunteerHoursEdit | None

    @property
    def scanned_minutes(self) -> int:
        return credited_minutes(self.checked_in_at, self.checked_out_at, self.event.ends_at)

    @property
    def minutes(self) -> int:
        return self.edit.minutes if self.edit is not None else self.scanned_minutes

    @property
    def missing_checkout(self) -> bool:
        """Checked in, never out, and nobody has set the minutes: a leader's to fix."""
        return self.checked_in_at is not None and self.checked_out_at is None and self.edit is None


def max_minutes(event: Event) -> int:
    """The most an edit may credit: from when check-in opens to the activity's end."""
    return max(0, int((event.ends_at - min(event.opens_at, event.starts_at)).total_seconds()) // 60)


def volunteer_events(db: Session, since: datetime | None = None, until: datetime | None = None,
                     team_id: int | None = None) -> list[Event]:
    """Volunteer activities (drafts too), starting in [since, until), the latest first."""
    query = select(Event).where(Event.volunteer_team_id.is_not(None))
    if since is not None:
        query = query.where(Event.starts_at >= since)
    if until is not None:
        query = query.where(Event.starts_at < until)
    if team_id is not None:
        query = query.where(Event.volunteer_team_id == team_id)
    return list(db.scalars(query.order_by(Event.starts_at.desc(), Event.id.desc())))


def services(db: Session, events: Iterable[Event], phone: str | None = None) -> list[Service]:
    """The sign-ups (not cancelled) of ``events`` with their times; only ``phone``'s when given."""
    by_id = {event.id: event for event in events}
    if not by_id:
        return []
    query = select(Registration).where(Registration.event_id.in_(by_id), Registration.revoked_at.is_(None))
    if phone is not None:
        query = query.where(Registration.phone == phone)
    registrations = list(db.scalars(query.order_by(Registration.event_id, Registration.name, Registration.id)))
    if not registrations:
        return []
    ticket_ids = [registration.ticket_id for registration in registrations]
    times: dict[tuple[int | None, str], datetime] = {}
    for ticket_id, verdict, scanned_at in db.execute(
            select(Checkin.ticket_id, Checkin.server_verdict, Checkin.scanned_at)
            .where(Checkin.ticket_id.in_(ticket_ids), Checkin.server_verdict.in_(("welcome", "checked_out")))
            .order_by(Checkin.scanned_at.desc())):
        times[(ticket_id, verdict)] = scanned_at  # the earliest wins
    edits = {edit.registration_id: edit for edit in db.scalars(
        select(VolunteerHoursEdit).where(VolunteerHoursEdit.registration_id.in_([r.id for r in registrations])))}
    return [Service(registration=r, event=by_id[r.event_id], checked_in_at=times.get((r.ticket_id, "welcome")),
                    checked_out_at=times.get((r.ticket_id, "checked_out")), edit=edits.get(r.id))
            for r in registrations]


def edit(db: Session, registration_id: int, fields: HoursEdit, actor: str) -> Service:
    """Set the minutes of one sign-up of a volunteer activity (audited with the old and new minutes)."""
    registration = db.get(Registration, registration_id)
    event = db.get(Event, registration.event_id) if registration is not None else None
    if registration is None or event is None or event.volunteer_team_id is None:
        raise HoursRefused(f"no sign-up {registration_id} of a volunteer activity")
    if fields.minutes > max_minutes(event):
        raise HoursRefused(f"at most {max_minutes(event)} minutes: from check-in opening to the activity's end")
    before = services(db, [event], registration.phone)[0].minutes
    row = db.get(VolunteerHoursEdit, registration_id)
    if row is None:
        row = VolunteerHoursEdit(registration_id=registration_id)
        db.add(row)
    row.minutes, row.reason, row.edited_by, row.edited_at = fields.minutes, fields.reason, actor, utcnow()
    db.flush()
    audit(db, actor, "volunteer.hours_edit", f"event:{event.id}", registration=registration_id, before=before,
          after=fields.minutes, reason=fields.reason)
    return services(db, [event], registration.phone)[0]
