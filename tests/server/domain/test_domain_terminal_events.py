"""Terminal events from heartbeats (started, restarted, network lost and back, update applied) and the time offline
per local day and month, an outage across midnight split between the days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from common import wire
from server.fleet import availability, heartbeats, terminal_events
from server.fleet.models import Outage, Terminal
from tests.server.domain.builders import terminal

ZONE = ZoneInfo("Asia/Shanghai")


def _beat(db, made: Terminal, at: datetime, uptime: float, version: str = "1.0.0") -> None:
    row = db.get(Terminal, made.id)
    heartbeats.record(db, row, wire.Heartbeat(app_version=version, uptime_seconds=uptime, outbox_depth=0,
                                              free_disk_bytes=10**9), 30, at)
    row.app_version = version
    db.commit()


def test_heartbeats_tell_starts_restarts_outages_and_updates(db):
    made = terminal(db)
    start = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    _beat(db, made, start, uptime=20)
    _beat(db, made, start + timedelta(seconds=30), uptime=50)
    _beat(db, made, start + timedelta(minutes=10), uptime=590)  # late: an outage, the app ran on
    _beat(db, made, start + timedelta(minutes=10, seconds=20), uptime=5, version="1.1.0")  # restarted into an update
    kinds = [(e.kind, e.detail) for e in reversed(terminal_events.recent(db, made.id, 20))]
    assert kinds == [("app_started", "1.0.0"), ("network_lost", ""), ("network_back", ""),
                     ("app_restarted", "1.1.0"), ("update_applied", "1.0.0 → 1.1.0")]


def test_time_offline_is_counted_per_local_day_and_month(db):
    made = terminal(db)
    row = db.get(Terminal, made.id)
    row.enrolled_at = datetime(2026, 11, 1, tzinfo=UTC)
    # 23:00 to 01:30 local time (UTC+8) across the night of 2 to 3 December: 1 h on the 2nd, 1.5 h on the 3rd.
    db.add(Outage(terminal_id=made.id, went_down_at=datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
                  came_back_at=datetime(2026, 12, 2, 17, 30, tzinfo=UTC)))
    db.add(Outage(terminal_id=made.id, went_down_at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
                  came_back_at=datetime(2026, 11, 20, 2, 45, tzinfo=UTC)))
    db.commit()
    now = datetime(2026, 12, 4, 4, 0, tzinfo=UTC)  # noon local; the terminal never sent a heartbeat: no ongoing outage
    report = availability.report(db, row, now, ZONE)
    days = {period.label: period.offline_seconds for period in report.days}
    assert days["2026-12-02"] == 3600 and days["2026-12-03"] == 5400 and days["2026-12-04"] == 0
    assert report.days[0].span_seconds == 12 * 3600  # today so far
    months = {period.label: period.offline_seconds for period in report.months}
    assert months == {"2026-12": 9000, "2026-11": 2700}
