"""Check-in records sent by terminals become check-in facts shown to administrators, over real HTTP: the wiring
of POST /terminal/records, the projection and GET /admin/events/{id}/checkins, /attendance and /attendees.
The rules themselves (first scan by scan time, duplicates, would_refuse, revocations, bad payloads, online
and outbox copies, concurrent uploads) are tested against the database in tests/server/domain/test_domain_checkins.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.server.calls import enrolled_terminal, parse_time
from tests.server.checkin_calls import (
    attendance,
    attendee,
    checkin_record,
    checkins_of,
    published_event,
    send_records,
    ticket_text,
)


def test_two_terminals_offline_the_earlier_scan_arriving_last_counts(live_server):
    east, west = enrolled_terminal(live_server, "东门 1 号机"), enrolled_terminal(live_server, "西门 1 号机")
    event = published_event(live_server)
    person = attendee(live_server, event["id"])
    code = ticket_text(live_server, event["id"], person["id"])
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    earlier, later = checkin_record(code, t0), checkin_record(code, t0 + timedelta(seconds=40))
    for terminal, record in [(west, later), (east, earlier)]:
        assert send_records(terminal, record)["accepted"] == [record["id"]]

    rows = {row["record_id"]: row for row in checkins_of(live_server, event["id"])}
    assert rows.keys() == {earlier["id"], later["id"]}
    first, second = rows[earlier["id"]], rows[later["id"]]
    assert (first["terminal_name"], first["server_verdict"], first["flag"]) == ("东门 1 号机", "welcome", None)
    assert (second["terminal_name"], second["terminal_verdict"]) == ("西门 1 号机", "welcome")
    assert (second["server_verdict"], second["flag"]) == ("already", "duplicate")
    assert first["attendee"] == "张三" and first["mode"] == "offline"
    assert [row["record_id"] for row in checkins_of(live_server, event["id"], flag="duplicate")] == [later["id"]]
    counts = attendance(live_server, event["id"])
    assert (counts["checked_in"], counts["duplicates"], counts["would_refuse"]) == (1, 1, 0)
    listed = live_server.admin("GET", f"/admin/events/{event['id']}/attendees").json()
    assert parse_time(listed[0]["checked_in_at"]) == t0
