"""Check-in records from terminals become check-in facts: the first scan by scan time counts whatever the
arrival order, online and outbox copies of one scan are one check-in, revocation is judged at scan time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from common import tickets
from tests.server.calls import enrolled_terminal, parse_time
from tests.server.checkin_calls import (
    attendance,
    attendee,
    checkin_record,
    checkins_of,
    published_event,
    scan_online,
    send_records,
    ticket_text,
)

pytestmark = pytest.mark.postgresql  # the dialect matters: row locks and conflicting check-ins


@pytest.mark.parametrize("earlier_arrives", ["first", "last"])
def test_two_terminals_offline_the_first_scan_counts_whatever_arrives_first(live_server, earlier_arrives):
    east, west = enrolled_terminal(live_server, "东门 1 号机"), enrolled_terminal(live_server, "西门 1 号机")
    event = published_event(live_server)
    person = attendee(live_server, event["id"])
    code = ticket_text(live_server, event["id"], person["id"])
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    earlier, later = checkin_record(code, t0), checkin_record(code, t0 + timedelta(seconds=40))
    sends = [(east, earlier), (west, later)] if earlier_arrives == "first" else [(west, later), (east, earlier)]
    for terminal, record in sends:
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


def test_a_scan_checked_online_and_then_sent_from_the_outbox_is_one_checkin(live_server):
    terminal = enrolled_terminal(live_server)
    event = published_event(live_server)
    code = ticket_text(live_server, event["id"], attendee(live_server, event["id"])["id"])
    scanned = datetime.now(UTC)
    online = scan_online(terminal, code, scanned, record_id="0b5c6a3e-1111-4c4c-9d9d-000000000001")
    assert online["kind"] == "welcome"
    outbox_copy = checkin_record(code, scanned, "welcome", "online", record_id="0b5c6a3e-1111-4c4c-9d9d-000000000001")
    assert send_records(terminal, outbox_copy)["duplicates"] == [outbox_copy["id"]]
    again = scan_online(terminal, code, scanned, record_id=outbox_copy["id"])  # a retry after a lost answer
    assert again == online

    rows = checkins_of(live_server, event["id"])
    assert [(r["record_id"], r["mode"], r["server_verdict"]) for r in rows] == [(outbox_copy["id"], "online", "welcome")]
    stored = live_server.admin("GET", "/admin/records", params={"kind": "checkin"}).json()
    assert [r["id"] for r in stored] == [outbox_copy["id"]]
    assert stored[0]["payload"]["verdict"] == "welcome" and stored[0]["payload"]["ticket_id"] == rows[0]["ticket_id"]


def test_the_outbox_copy_arriving_before_the_online_call_answers_it(live_server):
    terminal = enrolled_terminal(live_server)
    event = published_event(live_server)
    code = ticket_text(live_server, event["id"], attendee(live_server, event["id"])["id"])
    scanned = datetime.now(UTC) - timedelta(seconds=30)
    record = checkin_record(code, scanned, "welcome", "offline")
    send_records(terminal, record)
    assert scan_online(terminal, code, scanned, record_id=record["id"])["kind"] == "welcome"
    assert len(checkins_of(live_server, event["id"])) == 1


def test_a_revoked_ticket_counts_if_scanned_before_the_revocation_and_is_flagged_after(live_server):
    terminal = enrolled_terminal(live_server)
    event = published_event(live_server)
    before_person = attendee(live_server, event["id"], "李四", "13900139000")
    after_person = attendee(live_server, event["id"], "王五", "13700137000")
    before_code = ticket_text(live_server, event["id"], before_person["id"])
    after_code = ticket_text(live_server, event["id"], after_person["id"])
    scanned_before = datetime.now(UTC) - timedelta(seconds=5)
    for person in (before_person, after_person):
        reply = live_server.admin("POST", f"/admin/events/{event['id']}/attendees/{person['id']}/revoke")
        assert reply.status_code == 200 and reply.json()["revoked_at"]
    # Both scans arrive after the revocation: the kiosk was offline and had not heard of it yet.
    early = checkin_record(before_code, scanned_before)
    late = checkin_record(after_code, datetime.now(UTC) + timedelta(seconds=1))
    send_records(terminal, early, late)

    rows = {row["record_id"]: row for row in checkins_of(live_server, event["id"])}
    assert (rows[early["id"]]["server_verdict"], rows[early["id"]]["flag"]) == ("welcome", None)
    assert (rows[late["id"]]["server_verdict"], rows[late["id"]]["flag"]) == ("cancelled", "would_refuse")
    counts = attendance(live_server, event["id"])
    assert (counts["checked_in"], counts["would_refuse"], counts["revoked"]) == (1, 1, 2)


def test_refused_and_unreadable_scans_are_kept_for_audit_and_a_bad_payload_is_stored_but_not_counted(live_server):
    terminal = enrolled_terminal(live_server)
    event = published_event(live_server)
    code = ticket_text(live_server, event["id"], attendee(live_server, event["id"])["id"])
    now = datetime.now(UTC)
    real = tickets.read(code)
    forged = tickets.issue(tickets.SigningKey.generate(real.key_id), real.event_id, real.ticket_id)
    refused = checkin_record(forged, now, verdict="forged")
    unreadable = checkin_record("hello <script>", now, verdict="unreadable")
    bad_payload = {**checkin_record(code, now), "payload": {"code": code, "verdict": "maybe"}}
    result = send_records(terminal, refused, unreadable, bad_payload)
    assert sorted(result["accepted"]) == sorted([refused["id"], unreadable["id"], bad_payload["id"]])

    rows = {row["record_id"]: row for row in checkins_of(live_server, event["id"])}
    assert (rows[refused["id"]]["server_verdict"], rows[refused["id"]]["flag"]) == ("forged", None)
    assert unreadable["id"] not in rows  # it names no event
    assert bad_payload["id"] not in rows  # stored as a record, never a check-in
    assert attendance(live_server, event["id"])["checked_in"] == 0
    stored = {r["id"] for r in live_server.admin("GET", "/admin/records", params={"kind": "checkin"}).json()}
    assert stored == {refused["id"], unreadable["id"], bad_payload["id"]}


def test_terminals_uploading_the_same_tickets_at_once_count_each_ticket_once(live_server):
    fleet = [enrolled_terminal(live_server, f"{n} 号机") for n in range(1, 5)]
    event = published_event(live_server)
    codes = [ticket_text(live_server, event["id"], attendee(live_server, event["id"], f"参会者{n}", f"1380013800{n}")["id"])
             for n in range(6)]
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    batches = [[checkin_record(code, t0 + timedelta(seconds=n + 10 * i)) for i, code in enumerate(codes[::step])]
               for n, step in enumerate((1, -1, 2, -2))]
    same_scan = checkin_record(codes[0], t0 - timedelta(seconds=1))  # online and from the outbox at once
    answers: list = []

    def send(terminal, batch):
        answers.append(terminal.call("POST", "/terminal/records", json={"records": batch}).status_code)

    def online():
        answers.append(scan_online(fleet[0], codes[0], t0 - timedelta(seconds=1), record_id=same_scan["id"])["kind"])

    threads = [threading.Thread(target=send, args=(t, b)) for t, b in zip(fleet, batches)]
    threads += [threading.Thread(target=send, args=(fleet[0], [same_scan])), threading.Thread(target=online)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(map(str, answers)) == sorted(["200"] * 5 + ["welcome"])
    sent = sum(len(b) for b in batches) + 1
    counts = attendance(live_server, event["id"])
    assert (counts["checked_in"], counts["duplicates"]) == (len(codes), sent - len(codes))
    rows = checkins_of(live_server, event["id"])
    assert len(rows) == sent
    counted = [r for r in rows if r["server_verdict"] == "welcome"]
    assert sorted(r["ticket_id"] for r in counted) == sorted({r["ticket_id"] for r in rows})
    assert same_scan["id"] in {r["record_id"] for r in counted}  # the earliest scan of its ticket
