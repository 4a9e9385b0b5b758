"""server/retention.py against a migrated database: old rows go in batches, counted by day; open feedback stays;
two sessions pruning at once delete and count each row once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select, update

from server import retention
from server.core.clock import utcnow
from server.core.models import PrunedCount
from server.events import events
from server.feedback import queries as feedback_queries
from server.fleet.models import AuditEntry, Checkin, FeedbackItem, HeartbeatLog
from tests.server.domain import builders
from tests.server.domain.builders import BOTH_DIALECTS


def _heartbeats(db, sender, *ages_days: float) -> None:
    now = utcnow()
    db.add_all(HeartbeatLog(terminal_id=sender.id, received_at=now - timedelta(days=age), heartbeat={})
               for age in ages_days)
    db.commit()


def _counts(db) -> dict[tuple[str, object], int]:
    counts: dict[tuple[str, object], int] = {}
    for row in db.scalars(select(PrunedCount)):
        counts[(row.kind, row.day)] = counts.get((row.kind, row.day), 0) + row.count
    return counts


def test_rows_past_their_period_go_and_are_counted_by_day(db, settings):
    sender = builders.terminal(db)
    _heartbeats(db, sender, 40, 40, 31, 29, 1)
    db.add(AuditEntry(at=utcnow() - timedelta(days=800), actor="tester", action="x", target="y", detail={}))
    db.commit()
    pruned = retention.prune(db, settings.model_copy(update={"retention_batch": 2}), utcnow())
    assert pruned["heartbeats"] == 3 and pruned["audit"] == 1
    assert db.scalar(select(func.count()).select_from(HeartbeatLog)) == 2
    counts = _counts(db)
    assert counts[("heartbeats", (utcnow() - timedelta(days=40)).date())] == 2
    assert sum(n for (kind, _), n in counts.items() if kind == "heartbeats") == 3
    retention.prune(db, settings, utcnow())
    assert sum(n for (kind, _), n in _counts(db).items() if kind == "heartbeats") == 3  # nothing counted twice


def test_feedback_still_worked_on_stays_however_old(db, settings):
    sender = builders.terminal(db)
    builders.receive(db, sender, builders.feedback(), builders.feedback())
    long_ago = utcnow() - timedelta(days=2000)
    db.execute(update(FeedbackItem).values(received_at=long_ago))
    first = db.scalars(select(FeedbackItem.id).order_by(FeedbackItem.id)).first()
    db.execute(update(FeedbackItem).where(FeedbackItem.id == first).values(status="closed"))
    db.commit()
    assert retention.prune(db, settings, utcnow())["feedback"] == 1
    assert [item.status for item in db.scalars(select(FeedbackItem))] != ["closed"]
    assert db.scalar(select(func.count()).select_from(FeedbackItem)) == 1


def test_a_period_of_zero_keeps_for_ever(db, settings):
    sender = builders.terminal(db)
    _heartbeats(db, sender, 4000)
    assert "heartbeats" not in retention.prune(db, settings.model_copy(update={"retention_heartbeat_days": 0}),
                                               utcnow())
    assert db.scalar(select(func.count()).select_from(HeartbeatLog)) == 1


@BOTH_DIALECTS
def test_two_pruning_at_once_delete_and_count_each_row_once(sessions, settings):
    with sessions() as db:
        sender = builders.terminal(db)
        _heartbeats(db, sender, *[60] * 50)
    small = settings.model_copy(update={"retention_batch": 5})

    def prune_once(_number: int) -> int:
        with sessions() as db:
            return retention.prune(db, small, utcnow())["heartbeats"]

    with ThreadPoolExecutor(2) as pool:
        assert sum(pool.map(prune_once, range(2))) == 50
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(HeartbeatLog)) == 0
        assert sum(_counts(db).values()) == 50


def _figures(stats) -> list:
    return [(t.key, t.label, t.total, dict(t.ratings)) for t in
            [stats.overall, *stats.by_category, *stats.by_terminal, *stats.by_month]]


@BOTH_DIALECTS
def test_the_feedback_statistics_are_the_same_after_retention_pruned_the_items(db, settings):
    east, west = builders.terminal(db, "East"), builders.terminal(db, "West")
    long_ago = utcnow() - timedelta(days=1500)
    builders.receive(db, east, builders.feedback("service_rating", rating=2, submitted_at=long_ago),
                     builders.feedback("service_rating", rating=5, submitted_at=long_ago),
                     builders.feedback("repair", submitted_at=long_ago - timedelta(days=40)))
    builders.receive(db, west, builders.feedback("service_rating", rating=5, submitted_at=long_ago),
                     builders.feedback("repair", suppressed="repeat", submitted_at=long_ago),
                     builders.feedback("repair"))  # recent: stays
    db.execute(update(FeedbackItem).values(status="closed", received_at=FeedbackItem.submitted_at))
    db.commit()
    before = _figures(feedback_queries.stats(db, settings))
    since, until = long_ago - timedelta(days=10), long_ago + timedelta(days=10)
    window = _figures(feedback_queries.stats(db, settings, since, until))
    assert retention.prune(db, settings, utcnow())["feedback"] == 5
    assert _figures(feedback_queries.stats(db, settings)) == before
    assert _figures(feedback_queries.stats(db, settings, since, until)) == window
    assert before[0][2] == 5 and window[0][2] == 3  # the suppressed repeat is left out, as before


@BOTH_DIALECTS
def test_an_events_attendance_is_the_same_after_retention_pruned_its_scans(db, settings):
    sender = builders.terminal(db)
    event = builders.published_event(db)
    first, second = builders.registration(db, event), builders.registration(db, event, "李四", "13900139000")
    now = utcnow()
    builders.receive(db, sender, builders.checkin_record(builders.ticket(db, first), now),
                     builders.checkin_record(builders.ticket(db, second), now),
                     builders.checkin_record(builders.ticket(db, second), now + timedelta(minutes=1)))
    for scan in db.scalars(select(Checkin)):
        scan.scanned_at -= timedelta(days=800)
    db.commit()
    before = events.attendance(db, [event])[event.id]
    assert (before.checked_in, before.duplicates) == (2, 1)
    assert retention.prune(db, settings, utcnow())["checkins"] == 3
    assert db.scalar(select(func.count()).select_from(Checkin)) == 0
    assert events.attendance(db, [event])[event.id] == before
