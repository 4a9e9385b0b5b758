"""Feedback items and what is read from them (server/feedback/items.py, queries.py) against the database: a
record makes one item, unreadable ones are counted apart, deadlines in working days of the fleet's time zone,
overdue flags, the inbox filters, statistics, unhappy-terminal alerts and the CSV. The SQL of the filters,
statistics and alerts (timestamps compared in the database, CASE sums, grouping) runs on both dialects."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from common import wire
from server.core.clock import utcnow
from server.feedback import items as feedback_items
from server.feedback import workflow
from server.feedback.queries import InboxFilter, apart_counts, is_overdue, items_csv, list_items, stats, unhappy_alerts
from server.fleet.models import FeedbackItem, Record
from tests.server.domain.builders import ACTOR, BOTH_DIALECTS, at, feedback, receive, terminal


def _item(db, sent: dict) -> FeedbackItem:
    db.expire_all()
    return db.scalars(select(FeedbackItem).where(FeedbackItem.record_id == sent["id"])).one()


def _numbers(found: list[FeedbackItem]) -> set[str]:
    return {item.tracking_number for item in found}


def _of(*sent: dict) -> set[str]:
    return {s["payload"]["tracking_number"] for s in sent}


def test_a_feedback_record_sent_twice_makes_one_item_and_its_check_code_opens_it(db, settings):
    sender = terminal(db)
    sent = feedback(phone="13812345678", consent=True, text="12 楼茶水间停水了")
    assert receive(db, sender, sent) == {sent["id"]}
    assert receive(db, sender, sent) == set()
    [item] = db.scalars(select(FeedbackItem)).all()
    assert (item.tracking_number, item.status, item.category, item.text, item.terminal_id, item.phone) == (
        sent["payload"]["tracking_number"], "new", "repair", "12 楼茶水间停水了", sender.id, "13812345678")
    tracking, code = sent["payload"]["tracking_number"], sent["payload"]["check_code"]
    assert code not in item.check_code_hash  # only a keyed hash is stored
    assert feedback_items.find_for_status(db, settings, tracking, code).id == item.id
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert feedback_items.find_for_status(db, settings, tracking, wrong) is None
    assert feedback_items.find_for_status(db, settings, "F260101-00000000", code) is None


@BOTH_DIALECTS
def test_unreadable_payloads_and_a_taken_tracking_number_are_stored_but_counted_apart(db):
    sender = terminal(db)
    good = feedback()
    taken = {**feedback(), "payload": {**good["payload"], "check_code": "123456"}}  # another record, same number
    unreadable = [feedback(text="x" * 501), feedback(phone="12345"),
                  {**feedback(), "payload": {"rating": 3}}]
    receive(db, sender, good, taken, *unreadable)
    assert [i.record_id for i in db.scalars(select(FeedbackItem))] == [good["id"]]
    assert len(db.scalars(select(Record).where(Record.kind == "feedback")).all()) == 5
    assert apart_counts(db).unreadable == 4


# The fleet's time zone is Asia/Shanghai (UTC+8), working days Monday to Friday, 3 for a negative rating.
@pytest.mark.parametrize(("fields", "due"), [
    # A repair: 48 hours after submission.
    ({"category": "repair", "submitted_at": at(2026, 3, 12, 9)}, at(2026, 3, 14, 9)),
    # Thursday 17:00 UTC is Friday 01:00 in Beijing: three working days after Friday is Wednesday, end of day.
    ({"category": "service_rating", "rating": 1, "submitted_at": at(2026, 3, 12, 17)}, at(2026, 3, 18, 15, 59) + timedelta(seconds=59)),
    # Thursday 10:00 in Beijing: Friday, Monday, Tuesday.
    ({"category": "service_rating", "rating": 2, "submitted_at": at(2026, 3, 12, 2)}, at(2026, 3, 17, 15, 59) + timedelta(seconds=59)),
    # The terminal's follow-up date, when it gave one.
    ({"category": "service_rating", "rating": 2, "submitted_at": at(2026, 3, 12, 2), "followup_due": "2026-03-13"},
     at(2026, 3, 13, 15, 59) + timedelta(seconds=59)),
    # A negative rating of a repair: whichever is sooner.
    ({"category": "repair", "rating": 1, "submitted_at": at(2026, 3, 12, 2)}, at(2026, 3, 14, 2)),
    ({"category": "service_rating", "rating": 3, "submitted_at": at(2026, 3, 12, 2)}, None),
    ({"category": "other", "submitted_at": at(2026, 3, 12, 2)}, None),
])
def test_the_handling_deadline(db, fields, due):
    sent = feedback(**fields)
    receive(db, terminal(db), sent)
    assert _item(db, sent).due_at == due


def test_the_number_of_working_days_is_a_setting(settings):
    record = wire.FeedbackRecord.model_validate(feedback("service_rating", rating=1, submitted_at=at(2026, 3, 12, 2))["payload"])
    longer = settings.model_copy(update={"feedback_negative_working_days": 5})
    assert feedback_items.due_at(longer, record) == datetime(2026, 3, 19, 15, 59, 59, tzinfo=UTC)  # Thu + 5: Thu


@BOTH_DIALECTS
def test_overdue_items_are_the_open_ones_past_their_deadline(db):
    sender = terminal(db)
    now = utcnow()
    old_repair = feedback("repair", submitted_at=now - timedelta(hours=49))
    fresh_repair = feedback("repair", submitted_at=now - timedelta(hours=47))
    late_rating = feedback("service_rating", rating=1, reason="等了两个小时",
                           followup_due=(now - timedelta(days=2)).date().isoformat())
    timely_rating = feedback("service_rating", rating=2, reason="态度差",
                             followup_due=(now + timedelta(days=3)).date().isoformat())
    old_happy = feedback("service_rating", rating=5, submitted_at=now - timedelta(days=30))
    handled = feedback("repair", submitted_at=now - timedelta(hours=60))
    receive(db, sender, old_repair, fresh_repair, late_rating, timely_rating, old_happy, handled)
    done = _item(db, handled)
    for status in ("accepted", "resolved"):
        workflow.transition(db, done, status, "", ACTOR)
    db.commit()

    overdue = list_items(db, InboxFilter(overdue=True), now)
    assert _numbers(overdue) == _of(old_repair, late_rating)
    flags = {i.tracking_number: is_overdue(i, now) for i in list_items(db, InboxFilter(), now)}
    assert {n for n, late in flags.items() if late} == _of(old_repair, late_rating)
    # An hour on, the fresh repair is late too.
    assert _numbers(list_items(db, InboxFilter(overdue=True), now + timedelta(hours=1, minutes=1))) == _of(
        old_repair, late_rating, fresh_repair)
    assert _numbers(list_items(db, InboxFilter(negative=True), now)) == _of(late_rating, timely_rating)


@BOTH_DIALECTS
def test_inbox_filters(db):
    first, second = terminal(db, "A"), terminal(db, "B")
    now = utcnow()
    receive(db, first, a := feedback("repair"), b := feedback("service_rating", rating=4), now=now - timedelta(hours=2))
    receive(db, second, c := feedback("other", submitted_at=now - timedelta(days=9)),
            d := feedback("other", suppressed="repeat"), now=now - timedelta(minutes=30))
    workflow.transition(db, _item(db, a), "accepted", "", ACTOR)
    db.commit()

    def numbers(**wanted):
        return _numbers(list_items(db, InboxFilter(**wanted), now))

    assert numbers() == _of(a, b, c)  # the suppressed one is apart
    assert numbers(suppressed=True) == _of(d)
    assert numbers(category="repair") == _of(a)
    assert numbers(rating=4) == _of(b)
    assert numbers(terminal_id=second.id) == _of(c)
    assert numbers(status="accepted") == _of(a) and numbers(status="new") == _of(b, c)
    # Ages go by when the server received an item, whatever its submission time.
    assert numbers(newer_than_hours=1) == _of(c)
    assert numbers(older_than_hours=1) == _of(a, b)
    assert numbers(category="other", newer_than_hours=1, status="new") == _of(c)
    # The latest received first (in one batch: the latest stored first).
    order = [s["payload"]["tracking_number"] for s in (c, b, a)]
    assert [i.tracking_number for i in list_items(db, InboxFilter(), now)] == order
    assert [i.tracking_number for i in list_items(db, InboxFilter(), now, limit=2)] == order[:2]
    assert apart_counts(db).suppressed == {"repeat": 1}


@BOTH_DIALECTS
def test_statistics_count_by_category_terminal_and_month_in_the_fleets_time_zone(db, settings):
    first, second = terminal(db, "A"), terminal(db, "B")
    march = at(2026, 3, 15)
    last_day = at(2026, 3, 31, 17)  # 01:00 on 1 April in Beijing: an April item
    receive(db, first, feedback("service_rating", rating=5, submitted_at=march),
            feedback("service_rating", rating=1, submitted_at=march), feedback("repair", submitted_at=last_day))
    receive(db, second, feedback("service_rating", rating=5, submitted_at=last_day),
            feedback("service_rating", rating=3, submitted_at=last_day, suppressed="identical"))

    found = stats(db, settings)
    assert (found.overall.total, dict(found.overall.ratings)) == (4, {5: 2, 1: 1})
    assert found.overall.average == (5 + 1 + 5) / 3 and found.overall.rated == 3
    assert [(t.key, t.total, t.ratings[5], t.ratings[1]) for t in found.by_category] == [
        ("service_rating", 3, 2, 1), ("repair", 1, 0, 0)]
    assert [(t.key, t.label, t.total) for t in found.by_terminal] == [(str(first.id), "A", 3), (str(second.id), "B", 1)]
    assert [(t.key, t.total) for t in found.by_month] == [("2026-03", 2), ("2026-04", 2)]
    assert stats(db, settings, since=at(2026, 3, 1, 0), until=at(2026, 3, 31, 0)).overall.total == 2
    assert stats(db, settings, since=last_day).overall.total == 2  # since is inclusive
    assert stats(db, settings, until=last_day).overall.total == 2  # until is not
    assert stats(db, settings, since=at(2027, 1, 1)).overall.average is None


@BOTH_DIALECTS
def test_an_alert_when_unhappy_ratings_cross_the_share_on_a_terminal(db, settings):
    noisy, calm = terminal(db, "noisy"), terminal(db, "calm")
    now = utcnow()

    def ratings(*values, when=now, **fields):
        return [feedback("service_rating", rating=v, submitted_at=when, **fields) for v in values]

    def alerts():
        return [(a.terminal_id, a.terminal_name, a.unhappy, a.rated) for a in unhappy_alerts(db, settings, now)]

    receive(db, noisy, *ratings(1, 1, when=now - timedelta(minutes=16)))  # outside the 15-minute window
    receive(db, noisy, *ratings(1, 2, 1))  # three: fewer than the minimum of four
    receive(db, noisy, *ratings(1, 1, suppressed="repeat"))  # suppressed presses never count
    receive(db, noisy, feedback("repair"))  # no rating: not counted
    receive(db, calm, *ratings(1, 5, 4, 5))  # 1 of 4 unhappy
    assert alerts() == []
    receive(db, noisy, *ratings(5))  # 3 of 4 unhappy
    assert alerts() == [(noisy.id, "noisy", 3, 4)]
    receive(db, calm, *ratings(2))  # 2 of 5: below half
    receive(db, noisy, *ratings(5, 4, 5))  # 3 of 7: below half again
    assert alerts() == []
    receive(db, calm, *ratings(1))  # 3 of 6: half is enough
    assert alerts() == [(calm.id, "calm", 3, 6)]


def test_the_csv_has_every_item_no_phone_numbers_and_no_live_formulas(db):
    sender = terminal(db, "大堂 <1>")
    now = utcnow()
    receive(db, sender, formula := feedback("other", text="=HYPERLINK(\"http://evil\")", phone="13812345678",
                                            consent=True),
            plain := feedback("service_rating", rating=2, text="窗口无人，\n等了很久", reason="-态度差",
                              followup_due=(now - timedelta(days=1)).date().isoformat()))
    text = items_csv(list_items(db, InboxFilter(), now), now)
    assert "13812345678" not in text
    rows = {row["tracking_number"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == _of(formula, plain)
    assert rows[formula["payload"]["tracking_number"]]["text"] == "'=HYPERLINK(\"http://evil\")"
    row = rows[plain["payload"]["tracking_number"]]
    assert (row["terminal"], row["category"], row["rating"], row["negative"], row["overdue"], row["status"],
            row["text"], row["reason"]) == ("大堂 <1>", "service_rating", "2", "True", "True", "new",
                                            "窗口无人，\n等了很久", "'-态度差")
