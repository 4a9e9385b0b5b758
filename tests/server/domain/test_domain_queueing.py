"""Queue numbers against a migrated database: issuing (unique under concurrency on both dialects), the
position and wait estimate, staff actions, the rating that becomes a feedback item, and the statistics."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from common.queue_wire import TakeNumber
from server.feedback.queries import stats as feedback_stats
from server.fleet.models import FeedbackItem
from server.queueing import calls, numbers, ratings, stats, windows
from server.queueing.models import QueueTicket
from tests.server.domain.builders import BOTH_DIALECTS, terminal

ZONE = ZoneInfo("Asia/Shanghai")
# A working day's late morning, local time: every window is open by default (08:30-17:00).
NOON = datetime.combine(datetime.now(ZONE).date(), time(11, 0), ZONE)
SOCIAL_SECURITY_CARD = "RS-001"  # 党群服务中心 3号窗口 (人社)
FOLLOW = "https://kiosk.example.org/"


def _take(db, terminal_id, code=SOCIAL_SECURITY_CARD, at=NOON, phone=None):
    issued = numbers.take(db, terminal_id, TakeNumber(service_code=code, phone=phone), at, "Asia/Shanghai", FOLLOW)
    db.commit()
    return issued


def _window(db, code=SOCIAL_SECURITY_CARD) -> windows.Window:
    found = windows.window_of_service(db, code)
    assert found is not None
    return found[0]


def test_numbers_count_up_per_window_letter_and_tell_who_is_ahead(db):
    kiosk = terminal(db)
    first, second = _take(db, kiosk.id), _take(db, kiosk.id, phone="13800138000")
    window = _window(db)
    assert first.number == f"{window.row.letter}001" and second.number == f"{window.row.letter}002"
    assert (first.people_ahead, second.people_ahead) == (0, 1)
    # No service done today yet: the default pace, 5 minutes a visitor.
    assert second.wait_minutes == 5
    assert second.window.zh == "党群服务中心 3号窗口 (人社)" and second.window_label == "3"
    assert second.follow_url.startswith(FOLLOW + "q/") and len(second.follow_url.rsplit("/", 1)[1]) == 22
    # Another window has letters of its own.
    found = windows.windows(db)
    other_window = next(w for w in reversed(found) if w.row.is_open and w.row.id != window.row.id)
    other = _take(db, kiosk.id, code=other_window.services[0].code)
    assert other.number[0] != first.number[0] and other.number.endswith("001")
    # The centre's own windows (room T3-1107) open by default; the district hall's wait for the console.
    assert {w.place for w in found if w.row.is_open} == {"11F T3-1107"}
    assert any(not w.row.is_open for w in found)


def test_a_closed_window_a_full_day_and_an_unknown_service_are_refused_with_the_reason(db):
    kiosk = terminal(db)
    with pytest.raises(numbers.NumberRefused) as refused:
        _take(db, kiosk.id, code="NO-SUCH")
    assert refused.value.answer.reason == "unknown_service"
    db.rollback()
    window = _window(db)
    windows.update(window.row, True, "王芳", "08:30", "17:00", "1")
    db.commit()
    _take(db, kiosk.id)
    with pytest.raises(numbers.NumberRefused) as refused:
        _take(db, kiosk.id)
    assert refused.value.answer.reason == "limit_reached"
    assert refused.value.answer.window_phone == "0451-87352130"
    db.rollback()
    with pytest.raises(numbers.NumberRefused) as refused:
        _take(db, kiosk.id, at=NOON.replace(hour=18))
    assert refused.value.answer.reason == "closed"
    db.rollback()
    windows.update(window.row, False, "", "08:30", "17:00", "100")
    with pytest.raises(numbers.NumberRefused):
        _take(db, kiosk.id)


@pytest.mark.parametrize(("fields", "field"), [
    (("<script>" * 20, "08:30", "17:00", "10"), "staff"), (("", "8:30", "17:00", "10"), "opens"),
    (("", "17:00", "08:30", "10"), "closes"), (("", "08:30", "17:00", "0"), "daily_limit"),
    (("", "08:30", "17:00", "-5"), "daily_limit"), (("", "08:30", "17:00", "1e9"), "daily_limit"),
    (("", "08:30", "25:00", "10"), "closes"),
])
def test_window_settings_refuse_bad_input_naming_the_field(db, fields, field):
    window = _window(db)
    with pytest.raises(windows.WindowSettingsError) as refused:
        windows.update(window.row, True, *fields)
    assert refused.value.field == field


def test_staff_call_recall_transfer_no_show_and_done_and_the_wait_estimate_follows_the_pace(db):
    kiosk = terminal(db)
    tickets = [_take(db, kiosk.id) for _ in range(4)]
    window = _window(db)
    with pytest.raises(calls.CallRefused):
        calls.recall(db, window, "wang", NOON)
    called = calls.call_next(db, window, "wang", NOON + timedelta(minutes=1))
    assert called.number == tickets[0].number
    with pytest.raises(calls.CallRefused):
        calls.call_next(db, window, "wang", NOON)  # the called one is not finished
    calls.recall(db, window, "wang", NOON + timedelta(minutes=2))
    calls.finish(db, window, "served", "wang", NOON + timedelta(minutes=11))  # 10 minutes at the window
    db.commit()
    # The estimate now uses today's pace: 10 minutes a visitor, 2 ahead of the fourth.
    fourth = db.scalar(select(QueueTicket).where(QueueTicket.number == tickets[3].number))
    assert numbers.position_of(db, fourth, NOON, "Asia/Shanghai") == numbers.Position(2, 20)
    calls.call_next(db, window, "wang", NOON + timedelta(minutes=12))
    other = next(w for w in windows.windows(db) if w.row.id != window.row.id)
    calls.transfer(db, window, other, "wang")
    assert calls.waiting(db, other.row.id)[0].number == tickets[1].number
    calls.call_next(db, window, "wang", NOON + timedelta(minutes=13))
    calls.finish(db, window, "no_show", "wang", NOON + timedelta(minutes=15))
    db.commit()
    made = calls.calls_after(db, 0)
    assert [(c.number, c.recall) for c in made] == [(tickets[0].number, False), (tickets[0].number, True),
                                                   (tickets[1].number, False), (tickets[2].number, False)]
    assert [c.id for c in calls.calls_after(db, made[1].id)] == [made[2].id, made[3].id]
    assert made[0].window_label == "3"


def _served(db, kiosk_id) -> QueueTicket:
    issued = _take(db, kiosk_id)
    window = _window(db)
    calls.call_next(db, window, "wang", NOON + timedelta(minutes=3))
    calls.finish(db, window, "served", "wang", NOON + timedelta(minutes=9))
    db.commit()
    ticket = numbers.by_token(db, issued.follow_url.rsplit("/", 1)[1])
    assert ticket is not None
    return ticket


def test_a_rating_becomes_a_feedback_item_tied_to_number_service_and_window_once(db, settings):
    kiosk = terminal(db)
    ticket = _served(db, kiosk.id)
    waiting = numbers.by_token(db, _take(db, kiosk.id).follow_url.rsplit("/", 1)[1])
    with pytest.raises(ratings.RatingRefused, match="served"):
        ratings.rate(db, settings, waiting, 5, None, "zh_CN", NOON)
    assert ratings.slip_answer(db, ticket).state == "served"
    with pytest.raises(ratings.RatingRefused) as refused:
        ratings.rate(db, settings, ticket, 1, "  ", "zh_CN", NOON)  # unhappy: a reason is needed
    assert refused.value.field == "reason"
    item = ratings.rate(db, settings, ticket, 1, "等了很久，窗口没人", "zh_CN", NOON + timedelta(minutes=10))
    db.commit()
    assert item.category == "service_rating" and item.terminal_id == kiosk.id
    assert ticket.number in item.text and "社会保障卡申领" in item.text and "3号窗口" in item.text
    # Unhappy: a follow-up deadline, as for any unhappy rating.
    assert item.due_at is not None and item.followup_due is not None
    assert ratings.slip_answer(db, ticket).state == "rated"
    with pytest.raises(ratings.RatingRefused, match="already"):
        ratings.rate(db, settings, ticket, 5, None, "zh_CN", NOON)
    counted = feedback_stats(db, settings)
    assert counted.overall.ratings.get(1) == 1
    assert ratings.slip_answer(db, numbers.by_token(db, "A" * 22)).state == "unknown"
    assert numbers.by_token(db, "' OR 1=1 --") is None


def test_statistics_per_service_window_and_hour_with_average_and_90th_percentile(db):
    kiosk = terminal(db)
    window = _window(db)
    for minutes in range(1, 11):  # waits of 1..10 minutes
        _take(db, kiosk.id, at=NOON)
        calls.call_next(db, window, "wang", NOON + timedelta(minutes=minutes))
        calls.finish(db, window, "served" if minutes < 10 else "no_show", "wang",
                     NOON + timedelta(minutes=minutes, seconds=30))
        db.commit()
    _take(db, kiosk.id, at=NOON)  # still waiting: no wait counted
    found = stats.stats(db, NOON.date(), NOON.date(), "Asia/Shanghai", {window.row.id: "3"})
    assert (found.overall.issued, found.overall.served, found.overall.no_show) == (11, 9, 1)
    assert (found.overall.average_wait, found.overall.p90_wait) == (5.5, 9.0)
    assert [(g.key, g.issued) for g in found.by_window] == [("3", 11)]
    assert [(g.key, g.issued) for g in found.by_service] == [(SOCIAL_SECURITY_CARD, 11)]
    assert [g.key for g in found.by_hour] == ["11:00"]
    text = stats.stats_csv(found)
    assert "all,all,11,9,1,5.5,9.0" in text.splitlines()


@BOTH_DIALECTS
def test_terminals_taking_numbers_at_once_never_get_the_same_number(db, sessions):
    kiosk = terminal(db)
    windows.windows(db)
    db.commit()
    issued: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def take_some() -> None:
        try:
            with sessions() as session:
                start.wait()
                for _ in range(5):
                    issued.append(_take(session, kiosk.id).number)
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)

    workers = [threading.Thread(target=take_some) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert len(issued) == 40 and len(set(issued)) == 40
    letter = _window(db).row.letter
    assert sorted(issued) == [f"{letter}{n:03d}" for n in range(1, 41)]
    assert db.scalar(select(func.count()).select_from(QueueTicket)) == 40
    assert db.scalar(select(func.count()).select_from(FeedbackItem)) == 0
