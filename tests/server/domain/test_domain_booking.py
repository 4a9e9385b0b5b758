"""Booking rules against a real database, at chosen moments: check-in verdicts for every kind of scanned pass,
no-shows released once however many server processes run the job, and the daily and days-ahead rules."""

from __future__ import annotations

import threading
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from common import booking_pass, tickets
from common.wire import BookingRequest
from server.booking import bookings, slots, spaces
from server.booking.models import Booking, SlotClaim
from server.booking.schemas import ClosureFields, SpaceFields
from server.events import tickets_issue
from tests.server.domain.builders import BOTH_DIALECTS

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY = date(2026, 12, 7)
ROOM = SpaceFields(name_zh="商务洽谈室", name_en="Meeting room", capacity=8, opens="08:30", closes="17:30",
                   weekdays="01234", slot_minutes=60, max_minutes_per_day=120, days_ahead=7)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time(), ZONE).replace(hour=hour, minute=minute)


def _book(db, space, start: datetime, now: datetime, phone: str = "13800138000", count: int = 1) -> Booking:
    request = BookingRequest(id=str(uuid.uuid4()), space_id=space.id, starts_at=start, slots=count, name="张三",
                             company="富力", phone=phone)
    booking = bookings.book(db, request, "kiosk", None, now, ZONE)
    db.commit()
    return booking


def test_every_kind_of_scanned_pass_gets_its_verdict(db):
    room = spaces.create(db, ROOM, "test")
    rest = spaces.create(db, ROOM.model_copy(update={"name_zh": "休憩区"}), "test")
    booked_at = _at(MONDAY, 8)
    booking = _book(db, room, _at(MONDAY, 10, 30), booked_at)
    text = bookings.pass_text(db, booking)

    def verdict(code: str, now: datetime, space_ids: list[int] | None = None) -> str:
        result = bookings.check_in(db, code, space_ids or [], "T1", now)
        db.commit()
        return result.kind

    assert verdict(text, _at(MONDAY, 10, 10)) == "too_early"
    assert verdict(text, _at(MONDAY, 10, 20), [rest.id]) == "wrong_space"
    key = tickets_issue.signing_key_of(db, booking.key_id)
    assert verdict(tickets.issue(key, 1, booking.id), _at(MONDAY, 10, 20)) == "not_a_pass"
    forger = tickets.SigningKey.generate(booking.key_id)
    assert verdict(booking_pass.issue(forger, room.id, booking.id), _at(MONDAY, 10, 20)) == "forged"
    assert verdict(booking_pass.issue(key, rest.id, booking.id), _at(MONDAY, 10, 20)) == "cancelled"  # no such booking
    assert verdict("LB:garbage", _at(MONDAY, 10, 20)) == "unreadable"
    assert verdict(text, _at(MONDAY, 10, 20)) == "welcome"
    assert verdict(text, _at(MONDAY, 10, 25)) == "already"
    assert bookings.cancel(db, booking, "test", _at(MONDAY, 10, 26)) is False  # checked in: nothing to cancel

    late = _book(db, room, _at(MONDAY, 12, 30), booked_at)
    assert verdict(bookings.pass_text(db, late), _at(MONDAY, 12, 46)) == "released"
    over = _book(db, room, _at(MONDAY, 14, 30), booked_at, phone="13900139000")
    assert verdict(bookings.pass_text(db, over), _at(MONDAY, 15, 31)) == "expired"
    gone = _book(db, room, _at(MONDAY, 16, 30), booked_at, phone="13900139000")
    assert bookings.cancel(db, gone, "test", booked_at) is True
    db.commit()
    assert verdict(bookings.pass_text(db, gone), _at(MONDAY, 16, 30)) == "cancelled"
    assert not db.query(SlotClaim).filter(SlotClaim.booking_id.in_((late.id, gone.id))).count()


@BOTH_DIALECTS
def test_no_shows_are_released_once_when_several_processes_run_the_job(sessions):
    with sessions() as db:
        room = spaces.create(db, ROOM, "test")
        shown = _book(db, room, _at(MONDAY, 9, 30), _at(MONDAY, 8))
        no_show = _book(db, room, _at(MONDAY, 10, 30), _at(MONDAY, 8), phone="13900139000")
        later = _book(db, room, _at(MONDAY, 11, 30), _at(MONDAY, 8), phone="13700137000")
        bookings.check_in(db, bookings.pass_text(db, shown), [], "T1", _at(MONDAY, 9, 35))
        db.commit()
    counts: list[int] = []
    start = threading.Barrier(3)

    def job() -> None:
        with sessions() as db:
            start.wait()
            counts.append(bookings.release_no_shows(db, _at(MONDAY, 10, 45)))
            db.commit()

    threads = [threading.Thread(target=job) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(counts) == [0, 0, 1]
    with sessions() as db:
        assert [db.get_one(Booking, b.id).status for b in (shown, no_show, later)] == ["booked", "released", "booked"]
        free = slots.days(db, db.get_one(type(room), room.id), _at(MONDAY, 8), ZONE)[0]
        assert {s.starts_at.astimezone(ZONE).hour: s.state for s in free.slots}[10] == "free"


def test_the_rules_refuse_with_the_nearest_free_run(db):
    room = spaces.create(db, ROOM, "test")
    spaces.add_closure(db, room, ClosureFields(first_day=MONDAY + timedelta(days=1), last_day=MONDAY + timedelta(days=1),
                                               reason="设备检修"), "test")
    now = _at(MONDAY, 8)
    _book(db, room, _at(MONDAY, 9, 30), now, count=2)
    with pytest.raises(bookings.Refused) as refused:
        _book(db, room, _at(MONDAY, 11, 30), now)
    assert refused.value.reason == "daily_limit"
    with pytest.raises(bookings.Refused) as refused:
        _book(db, room, _at(MONDAY, 10, 30), now, phone="13900139000", count=2)
    assert refused.value.reason == "taken" and refused.value.nearest.starts_at == _at(MONDAY, 11, 30)
    with pytest.raises(bookings.Refused) as refused:
        _book(db, room, _at(MONDAY + timedelta(days=1), 9, 30), now, phone="13900139000")
    assert refused.value.reason == "closed" and refused.value.nearest.starts_at == _at(MONDAY, 16, 30)  # before Wed 8:30
    for start, reason in ((_at(MONDAY + timedelta(days=8), 9, 30), "too_far_ahead"), (_at(MONDAY, 9, 0), "not_a_slot"),
                          (_at(MONDAY - timedelta(days=1), 9, 30), "past")):
        with pytest.raises(bookings.Refused) as refused:
            _book(db, room, start, now, phone="13900139000")
        assert refused.value.reason == reason


@pytest.mark.postgresql
def test_one_persons_two_bookings_at_once_count_against_one_daily_limit(sessions):
    """The first request's booking is not committed yet when the second checks the daily limit: the second waits
    for it, then counts its minutes (120 a day: 2 hours booked, 1 more refused)."""
    with sessions() as db:
        room = spaces.create(db, ROOM, "test")
        db.commit()
    now = _at(MONDAY, 8)
    first = sessions()
    bookings.book(first, BookingRequest(id=str(uuid.uuid4()), space_id=room.id, starts_at=_at(MONDAY, 9, 30), slots=2,
                                        name="张三", company="富力", phone="13800138000"), "kiosk", None, now, ZONE)
    outcome: list[str] = []

    def second_request() -> None:
        with sessions() as db:
            try:
                _book(db, room, _at(MONDAY, 14, 30), now)
                outcome.append("booked")
            except bookings.Refused as refused:
                outcome.append(refused.reason)

    second = threading.Thread(target=second_request)
    second.start()
    second.join(1.0)
    still_waiting = second.is_alive()
    first.commit()
    first.close()
    second.join(30)
    assert still_waiting, "the second request did not wait for the first's transaction"
    assert outcome == ["daily_limit"]
