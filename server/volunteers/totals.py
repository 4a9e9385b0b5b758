"""Hours added up: per member (a phone number), per team, per year; and what the kiosk's volunteer screen
and a scanned ticket show (the terminal's wire.VolunteerBoard and wire.VolunteerHoursAnswer)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common import tickets, wire
from common.catalogue import Text
from server.events import attendees, tickets_issue
from server.fleet.models import Event, Registration
from server.volunteers import hours, members
from server.volunteers.models import VolunteerMember, VolunteerTeam

UPCOMING_ON_BOARD = 8


@dataclass
class Tally:
    """Activities served, people and minutes."""

    activities: set[int] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    minutes: int = 0
    missing_checkouts: int = 0

    def add(self, service: hours.Service) -> None:
        if service.minutes > 0:
            self.activities.add(service.event.id)
            self.people.add(service.registration.phone)
            self.minutes += service.minutes
        self.missing_checkouts += service.missing_checkout

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass
class MemberRow:
    phone: str
    name: str
    organisation: str
    team_id: int | None  # None: signed up, on no team
    member: VolunteerMember | None
    tally: Tally


def year_span(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """1 January to 1 January of ``now``'s year in the centre's time zone."""
    local = now.astimezone(zone)
    return (local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0),
            local.replace(year=local.year + 1, month=1, day=1, hour=0, minute=0, second=0, microsecond=0))


def per_member(db: Session, services: list[hours.Service]) -> list[MemberRow]:
    """Every member, and everyone who served without being one, most minutes first."""
    rows: dict[str, MemberRow] = {
        m.phone: MemberRow(m.phone, m.name, m.organisation, m.team_id, m, Tally()) for m in members.members(db)}
    for service in services:
        r = service.registration
        row = rows.setdefault(r.phone, MemberRow(r.phone, r.name, r.organisation, None, None, Tally()))
        row.tally.add(service)
    return sorted(rows.values(), key=lambda row: (-row.tally.minutes, row.name))


def per_team(db: Session, services: list[hours.Service]) -> dict[int, Tally]:
    """Minutes of the team's members (wherever they served) and the team's own activities held."""
    team_of = {m.phone: m.team_id for m in members.members(db)}
    tallies: dict[int, Tally] = defaultdict(Tally)
    for service in services:
        team_id = team_of.get(service.registration.phone, service.event.volunteer_team_id)
        if team_id is not None:
            tallies[team_id].add(service)
    return tallies


def held(events: list[Event], now: datetime) -> list[Event]:
    return [event for event in events if event.status == "published" and event.starts_at <= now]


def board(db: Session, now: datetime, zone: ZoneInfo) -> wire.VolunteerBoard:
    since, until = year_span(now, zone)
    year_events = hours.volunteer_events(db, since, until)
    services = hours.services(db, year_events)
    tallies = per_team(db, services)
    year = Tally()
    for service in services:
        year.add(service)
    leaders: dict[int, str] = {}
    for member in members.members(db):
        if member.leader:
            leaders.setdefault(member.team_id, members.mask_name(member.name))
    counts = members.member_counts(db)
    teams = [wire.VolunteerTeamCard(
        id=team.id, name=Text(zh=team.name_zh, en=team.name_en), about=Text(zh=team.description_zh, en=team.description_en) if team.description_zh and team.description_en else None,
        leader=leaders.get(team.id, ""), members=counts.get(team.id, 0), hours=tallies[team.id].hours)
        for team in members.teams(db, active_only=True)]
    upcoming = list(db.scalars(select(Event).where(Event.volunteer_team_id.is_not(None), Event.status == "published",
                                                   Event.ends_at > now)
                               .order_by(Event.starts_at, Event.id).limit(UPCOMING_ON_BOARD)))
    registered = dict(db.execute(
        select(Registration.event_id, func.count()).where(Registration.event_id.in_([e.id for e in upcoming]),
                                                          Registration.revoked_at.is_(None))
        .group_by(Registration.event_id)).all()) if upcoming else {}
    activities = [wire.VolunteerActivity(
        id=event.id, title=Text(zh=event.title_zh, en=event.title_en), team_id=event.volunteer_team_id,
        place=event.place, starts_at=event.starts_at, ends_at=event.ends_at, registered=registered.get(event.id, 0),
        capacity=event.capacity, signup_open=attendees.self_registration_closed(db, event, now) is None)
        for event in upcoming]
    return wire.VolunteerBoard(
        generated_at=now, teams=teams, activities=activities,
        totals=wire.VolunteerTotals(year=since.year, activities=len(held(year_events, now)),
                                    volunteers=len(year.people), hours=year.hours))


def hours_of_ticket(db: Session, code: str, now: datetime, zone: ZoneInfo) -> wire.VolunteerHoursAnswer:
    """A scanned ticket's holder's hours this year (any of their tickets: the phone number is the person)."""
    try:
        ticket = tickets.verify(code, tickets_issue.public_keys(db))
    except tickets.TicketError:
        return wire.VolunteerHoursAnswer(kind="unknown")
    registration = db.scalar(select(Registration).where(Registration.ticket_id == ticket.ticket_id))
    if registration is None or registration.revoked_at is not None:
        return wire.VolunteerHoursAnswer(kind="unknown")
    since, until = year_span(now, zone)
    services = hours.services(db, hours.volunteer_events(db, since, until), registration.phone)
    member = members.by_phone(db, registration.phone)
    if member is None and not services:
        return wire.VolunteerHoursAnswer(kind="not_volunteer")
    team = db.get(VolunteerTeam, member.team_id) if member is not None else None
    tally = Tally()
    for service in services:
        tally.add(service)
    served = sorted((s for s in services if s.minutes > 0), key=lambda s: s.event.starts_at, reverse=True)
    return wire.VolunteerHoursAnswer(
        kind="found", name=members.mask_name(member.name if member else registration.name),
        team=Text(zh=team.name_zh, en=team.name_en) if team else None, year=since.year,
        activities=len(tally.activities), hours=tally.hours,
        recent=[wire.VolunteerServiceLine(title=Text(zh=s.event.title_zh, en=s.event.title_en),
                                          starts_at=s.event.starts_at, minutes=s.minutes) for s in served[:5]])
