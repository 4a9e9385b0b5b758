"""Volunteer hours (server/volunteers) straight against the database: a second scan of a checked-in ticket at a
volunteer activity checks out, whatever order the scans arrive in; the hours run from check-in to check-out,
capped at the activity's end; a missing check-out is credited nothing until a console user sets the minutes
(audited, bounded); a phone sign-up joins the activity's team; totals per member, team and ticket add up."""

from __future__ import annotations

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from common import wire
from server.core.clock import utcnow
from server.events import attendees, checkins
from server.events.schemas import AttendeeFields
from server.fleet.models import AuditEntry, Checkin
from server.volunteers import hours, members, totals
from server.volunteers.schemas import HoursEdit, MemberFields
from server.volunteers.seed import create_centre_teams
from tests.server.domain.builders import (
    ACTOR,
    BOTH_DIALECTS,
    checkin_record,
    published_event,
    receive,
    registration,
    terminal,
    ticket,
)

ZONE = ZoneInfo("Asia/Shanghai")


def _activity(db, **overrides):
    """A volunteer activity of the youth team that began 3 hours ago and ends in 30 minutes."""
    team = create_centre_teams(db)[2]
    db.commit()
    now = utcnow()
    times = {"starts_at": now - timedelta(hours=3), "ends_at": now + timedelta(minutes=30),
             "opens_at": now - timedelta(hours=4), "closes_at": now + timedelta(minutes=30)}
    return published_event(db, title_zh="疏导交通", title_en="Traffic help", volunteer_team_id=team.id,
                           **{**times, **overrides}), team


def _service(db, event, phone="13800138000") -> hours.Service:
    db.expire_all()
    [service] = hours.services(db, [event], phone)
    return service


@BOTH_DIALECTS
@pytest.mark.parametrize("checkout_arrives", ["last", "first"])
def test_check_in_and_out_credit_the_time_between_whatever_arrives_first(db, checkout_arrives):
    east, west = terminal(db, "东门 1 号机"), terminal(db, "西门 1 号机")
    event, _team = _activity(db)
    code = ticket(db, registration(db, event))
    t_in = event.starts_at - timedelta(minutes=10)
    scan_in, repeat, scan_out = (checkin_record(code, t_in), checkin_record(code, t_in + timedelta(minutes=3)),
                                 checkin_record(code, t_in + timedelta(minutes=130), verdict="checked_out"))
    sends = [(east, scan_in), (east, repeat), (west, scan_out)]
    for sender, sent in (sends if checkout_arrives == "last" else list(reversed(sends))):
        receive(db, sender, sent)

    db.expire_all()
    verdicts = {row.record_id: row.server_verdict for row in db.scalars(select(Checkin))}
    assert verdicts == {scan_in["id"]: "welcome", repeat["id"]: "already", scan_out["id"]: "checked_out"}
    service = _service(db, event)
    assert (service.checked_in_at, service.checked_out_at) == (t_in, t_in + timedelta(minutes=130))
    assert (service.minutes, service.missing_checkout) == (130, False)


@BOTH_DIALECTS
def test_hours_are_capped_at_the_end_and_a_missing_check_out_is_set_by_hand_audited(db):
    sender = terminal(db)
    now = utcnow()
    event, _team = _activity(db, starts_at=now - timedelta(hours=3), ends_at=now - timedelta(minutes=30),
                             opens_at=now - timedelta(hours=3, minutes=30), closes_at=now - timedelta(minutes=30))
    late, forgot = registration(db, event), registration(db, event, "李四", "13900139000")
    t_in = event.starts_at
    receive(db, sender, checkin_record(ticket(db, late), t_in),
            checkin_record(ticket(db, late), now - timedelta(minutes=1), verdict="checked_out"),
            checkin_record(ticket(db, forgot), t_in))
    assert _service(db, event).minutes == 150  # to the end, not to the late scan
    missing = _service(db, event, "13900139000")
    assert (missing.minutes, missing.missing_checkout) == (0, True)

    with pytest.raises(hours.HoursRefused, match="at most 180 minutes"):
        hours.edit(db, forgot.id, HoursEdit(minutes=181, reason="忘记签退"), ACTOR)
    db.rollback()
    hours.edit(db, forgot.id, HoursEdit(minutes=120, reason="忘记签退，队长确认"), "leader")
    db.commit()
    edited = _service(db, event, "13900139000")
    assert (edited.minutes, edited.scanned_minutes, edited.missing_checkout) == (120, 0, False)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "volunteer.hours_edit")).one()
    assert (entry.actor, entry.detail["before"], entry.detail["after"]) == ("leader", 0, 120)
    with pytest.raises(hours.HoursRefused, match="no sign-up"):
        hours.edit(db, 2**31 - 1, HoursEdit(minutes=1, reason="x"), ACTOR)


def test_online_the_second_scan_checks_out_once_ten_minutes_have_passed(db):
    sender = terminal(db)
    event, _team = _activity(db)
    code = ticket(db, registration(db, event))
    t_in = utcnow() - timedelta(minutes=90)

    def scan(at):
        result = checkins.check_online(db, sender, wire.CheckinScan(id=str(uuid.uuid4()), code=code, scanned_at=at,
                                                                     nonce="n"))
        db.commit()
        return result

    assert scan(t_in).kind == "welcome"
    assert scan(t_in + timedelta(minutes=9)).kind == "already"
    out = scan(t_in + timedelta(minutes=60))
    assert (out.kind, out.prior_at, out.sealed_name is not None) == ("checked_out", t_in, True)
    again = scan(t_in + timedelta(minutes=70))
    assert (again.kind, again.prior_checked_out_at) == ("already", t_in + timedelta(minutes=60))
    assert _service(db, event).minutes == 60


def test_a_sign_up_joins_the_team_and_the_totals_add_up(db):
    sender = terminal(db)
    event, team = _activity(db)
    members.add(db, MemberFields(team_id=team.id, name="王队长", phone="13700137000", leader=True), ACTOR)
    signed = attendees.register(db, event, AttendeeFields(name="赵六", phone="13600136000", organisation="富力物业"),
                                "self", "public")
    attendees.register(db, event, AttendeeFields(name="王队长", phone="13700137000"), "self", "public")
    db.commit()
    joined = members.by_phone(db, "13600136000")
    assert (joined.team_id, joined.source, joined.leader) == (team.id, "signup", False)
    code = ticket(db, signed)
    receive(db, sender, checkin_record(code, event.starts_at),
            checkin_record(code, event.starts_at + timedelta(minutes=45), verdict="checked_out"))

    services = hours.services(db, [event])
    rows = {row.phone: row for row in totals.per_member(db, services)}
    assert (rows["13600136000"].tally.minutes, rows["13700137000"].tally.minutes) == (45, 0)
    assert totals.per_team(db, services)[team.id].minutes == 45
    board = totals.board(db, utcnow(), ZONE)
    card = next(card for card in board.teams if card.id == team.id)
    assert (card.leader, card.members, card.hours) == ("王*长", 2, 0.8)
    assert (board.totals.activities, board.totals.volunteers, board.totals.hours) == (1, 1, 0.8)
    assert [a.id for a in board.activities] == [event.id]
    mine = totals.hours_of_ticket(db, code, utcnow(), ZONE)
    assert (mine.kind, mine.name, mine.hours, mine.activities, mine.team.zh) == ("found", "赵*", 0.8, 1, team.name_zh)
    assert totals.hours_of_ticket(db, "LK:garbage", utcnow(), ZONE).kind == "unknown"
    other = published_event(db)
    stranger = ticket(db, registration(db, other, "钱七", "13500135000"))
    assert totals.hours_of_ticket(db, stranger, utcnow(), ZONE).kind == "not_volunteer"


def test_a_phone_number_is_on_one_team_only(db):
    teams = create_centre_teams(db)
    members.add(db, MemberFields(team_id=teams[0].id, name="张三", phone="13800138000"), ACTOR)
    with pytest.raises(members.MemberRefused, match="on a team already"):
        members.add(db, MemberFields(team_id=teams[1].id, name="张三", phone="13800138000"), ACTOR)
    with pytest.raises(members.MemberRefused, match="no such volunteer team"):
        members.add(db, MemberFields(team_id=2**31 - 1, name="李四", phone="13900139000"), ACTOR)
