"""What the event administration routes take and give (events, attendees, check-ins, ticket keys)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from common.wire import MAINLAND_MOBILE_PATTERN, CheckinVerdictKind, Id, WireModel
from server.fleet.schemas import CsvRowError

EventStatus = Literal["draft", "published", "cancelled"]
CheckinFlag = Literal["duplicate", "would_refuse"]


class EventFields(WireModel):
    """Everything an editor sets on an event (its status changes through publish and cancel only)."""

    title_zh: str = Field(min_length=1, max_length=200)
    title_en: str = Field(min_length=1, max_length=200)
    organiser: str = Field(default="", max_length=120)
    place: str = Field(default="", max_length=120)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    opens_at: AwareDatetime  # the check-in window
    closes_at: AwareDatetime
    capacity: int | None = Field(default=None, ge=1, le=1_000_000)
    # Offered at every terminal, or only at these terminals and the terminals of these groups
    # (GET /admin/terminal-groups lists the groups' ids).
    all_terminals: bool = True
    terminal_ids: list[Id] = Field(default_factory=list, max_length=1000)
    group_ids: list[Id] = Field(default_factory=list, max_length=1000)
    self_registration: bool = True
    # Set: a volunteer activity run by this team (GET /admin/volunteers/teams): a second scan of a checked-in
    # ticket checks out, and the time between counts as volunteer hours.
    volunteer_team_id: Id | None = None

    @model_validator(mode="after")
    def _times_in_order(self) -> EventFields:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class EventInfo(EventFields):
    id: int
    status: EventStatus
    created_by: str
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    registered: int  # registrations not revoked
    checked_in: int


class TerminalGroupInfo(WireModel):
    id: int
    name: str


class AttendeeFields(WireModel):
    name: str = Field(min_length=1, max_length=80)
    phone: str = Field(pattern=MAINLAND_MOBILE_PATTERN)
    organisation: str = Field(default="", max_length=120)


class AttendeeInfo(AttendeeFields):
    id: int
    event_id: int
    ticket_id: int
    phone_masked: str
    source: Literal["import", "self"]
    created_at: datetime
    revoked_at: datetime | None
    # The attendee's own ticket page (no login: the path is the secret).
    ticket_page: str
    checked_in_at: datetime | None


class AttendeeImportResult(WireModel):
    created: int
    # Rows naming a phone already registered for this event under the same name: left as they are.
    unchanged: int


class AttendeeImportRejected(WireModel):
    """422 body: nothing was imported; fix the rows named and import the whole file again."""

    detail: str
    errors: list[CsvRowError]


class CheckinInfo(WireModel):
    id: int
    record_id: str
    terminal_id: int | None
    terminal_name: str
    event_id: int | None
    ticket_id: int | None
    attendee: str | None  # the name, when the ticket is one of ours
    scanned_at: datetime
    received_at: datetime
    mode: Literal["online", "offline", "phone"]
    terminal_verdict: CheckinVerdictKind
    server_verdict: CheckinVerdictKind
    flag: CheckinFlag | None
    detail: str


class Attendance(WireModel):
    event_id: int
    registered: int
    revoked: int
    checked_in: int
    duplicates: int
    would_refuse: int
    capacity: int | None


class TicketKeyInfo(WireModel):
    key_id: int
    public_key: str  # base64url
    created_at: datetime
    retired_at: datetime | None
    withdrawn_at: datetime | None
