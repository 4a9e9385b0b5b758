"""Check-in facts (server/events/checkins.py) straight against the database: the first scan by scan time counts
whatever the arrival order, a later-scanned welcome is flagged as a duplicate, refusals the terminal did not
make are flagged would_refuse, revocations and cancellations count from their time on, a bad payload is stored
but makes nothing, and uploads of the same tickets at the same moment still count each ticket once."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from common import tickets, wire
from server.core.clock import utcnow
from server.events import attendees, checkins, events
from server.fleet.models import Checkin, Event, Record
from tests.server.domain.builders import (
    ACTOR,
    BOTH_DIALECTS,
    checkin_record,
    published_event,
    receive,
    registration,
    store,
    terminal,
    ticket,
)


def _facts(db, event: Event) -> dict[str, Checkin]:
    db.expire_all()  # what is committed, also by other sessions
    return {row.record_id: row for row in checkins.list_for_event(db, event.id)}


def _counts(db, event: Event) -> tuple[int, int, int]:
    db.expire_all()
    counts = events.attendance(db, [event])[event.id]
    return counts.checked_in, counts.duplicates, counts.would_refuse


def _verdicts(row: Checkin) -> tuple[str, str, str | None]:
    return row.terminal_verdict, row.server_verdict, row.flag


@pytest.mark.parametrize("earlier_arrives", ["first", "last"])
def test_the_first_scan_by_scan_time_counts_whatever_arrives_first(db, earlier_arrives):
    east, west = terminal(db, "东门 1 号机"), terminal(db, "西门 1 号机")
    event = published_event(db)
    code = ticket(db, registration(db, event))
    t0 = utcnow() - timedelta(minutes=5)
    earlier, later = checkin_record(code, t0), checkin_record(code, t0 + timedelta(seconds=40))
    sends = [(east, earlier), (west, later)] if earlier_arrives == "first" else [(west, later), (east, earlier)]
    for sender, sent in sends:
        assert receive(db, sender, sent) == {sent["id"]}

    rows = _facts(db, event)
    assert rows.keys() == {earlier["id"], later["id"]}
    first, second = rows[earlier["id"]], rows[later["id"]]
    assert (first.terminal_name, *_verdicts(first)) == ("东门 1 号机", "welcome", "welcome", None)
    assert (second.terminal_name, *_verdicts(second)) == ("西门 1 号机", "welcome", "already", "duplicate")
    assert (first.mode, first.scanned_at) == ("offline", t0)
    assert [r.record_id for r in checkins.list_for_event(db, event.id, flag="duplicate")] == [later["id"]]
    assert _counts(db, event) == (1, 1, 0)
    assert checkins.prior_of(db, second).record_id == earlier["id"]
    if earlier_arrives == "last":  # the displaced scan says why
        assert second.detail.startswith(f"first checked in at {t0.isoformat()} on 东门 1 号机")
    [counted] = attendees.checked_in_at(db, [first.ticket_id]).values()
    assert counted.scanned_at == t0


def test_in_one_batch_too_the_earliest_scan_counts_and_a_tie_goes_to_the_one_stored_first(db):
    sender = terminal(db)
    event = published_event(db)
    code, other_code = ticket(db, registration(db, event)), ticket(db, registration(db, event, "李四", "13900139000"))
    t0 = utcnow() - timedelta(minutes=5)
    late, early = checkin_record(code, t0 + timedelta(seconds=9)), checkin_record(code, t0)
    receive(db, sender, late, early)  # listed latest first
    tie_first = checkin_record(other_code, t0)
    receive(db, sender, tie_first)
    tie_second = checkin_record(other_code, t0)
    receive(db, sender, tie_second)

    rows = _facts(db, event)
    assert _verdicts(rows[early["id"]]) == ("welcome", "welcome", None)
    assert _verdicts(rows[late["id"]]) == ("welcome", "already", "duplicate")
    assert _verdicts(rows[tie_first["id"]]) == ("welcome", "welcome", None)
    assert _verdicts(rows[tie_second["id"]]) == ("welcome", "already", "duplicate")
    assert _counts(db, event) == (2, 2, 0)


def test_a_repeat_the_terminal_itself_called_already_is_not_flagged(db):
    sender = terminal(db)
    event = published_event(db)
    code = ticket(db, registration(db, event))
    t0 = utcnow() - timedelta(minutes=5)
    first, repeat = checkin_record(code, t0), checkin_record(code, t0 + timedelta(seconds=30), verdict="already")
    receive(db, sender, first, repeat)
    rows = _facts(db, event)
    assert _verdicts(rows[repeat["id"]]) == ("already", "already", None)
    assert _counts(db, event) == (1, 0, 0)


def test_a_ticket_revoked_counts_if_scanned_before_the_revocation_and_would_be_refused_after(db):
    sender = terminal(db)
    event = published_event(db)
    before, after = registration(db, event, "李四", "13900139000"), registration(db, event, "王五", "13700137000")
    before_code, after_code = ticket(db, before), ticket(db, after)
    scanned_before = utcnow() - timedelta(seconds=5)
    for person in (before, after):
        attendees.revoke(db, person, ACTOR)
    db.commit()
    # Both scans arrive after the revocation: the kiosk was offline and had not heard of it yet.
    early = checkin_record(before_code, scanned_before)
    late = checkin_record(after_code, utcnow() + timedelta(seconds=1))
    receive(db, sender, early, late)

    rows = _facts(db, event)
    assert _verdicts(rows[early["id"]]) == ("welcome", "welcome", None)
    assert _verdicts(rows[late["id"]]) == ("welcome", "cancelled", "would_refuse")
    assert _counts(db, event) == (1, 0, 1)
    counts = events.attendance(db, [event])[event.id]
    assert (counts.registered, counts.revoked) == (0, 2)


def test_a_cancelled_event_refuses_scans_made_after_its_cancellation_only(db):
    sender = terminal(db)
    event = published_event(db)
    code, other = ticket(db, registration(db, event)), ticket(db, registration(db, event, "李四", "13900139000"))
    before = checkin_record(code, utcnow() - timedelta(seconds=5))
    events.cancel(db, event, ACTOR)
    db.commit()
    after = checkin_record(other, utcnow() + timedelta(seconds=1))
    receive(db, sender, before, after)
    rows = _facts(db, event)
    assert _verdicts(rows[before["id"]]) == ("welcome", "welcome", None)
    assert _verdicts(rows[after["id"]]) == ("welcome", "event_cancelled", "would_refuse")


def test_a_welcome_at_a_terminal_the_event_is_not_offered_at_or_outside_the_window_would_be_refused(db):
    inside, outside = terminal(db, "东门", group="east"), terminal(db, "西门", group="west")
    event = published_event(db, all_terminals=False, group_ids=[inside.group_id])
    code = ticket(db, registration(db, event))
    now = utcnow()
    wrong_place = checkin_record(code, now - timedelta(minutes=3))
    too_early = checkin_record(code, event.opens_at - timedelta(minutes=1))
    counted = checkin_record(code, now - timedelta(minutes=1))
    receive(db, outside, wrong_place)
    receive(db, inside, too_early, counted)
    rows = _facts(db, event)
    assert _verdicts(rows[wrong_place["id"]]) == ("welcome", "wrong_event", "would_refuse")
    assert _verdicts(rows[too_early["id"]]) == ("welcome", "not_open", "would_refuse")
    # Refused scans never count, so they displace nothing: the later scan at the right place counts.
    assert _verdicts(rows[counted["id"]]) == ("welcome", "welcome", None)
    assert _counts(db, event) == (1, 0, 2)


def test_refused_and_unreadable_scans_are_kept_and_a_bad_payload_is_stored_but_makes_nothing(db):
    sender = terminal(db)
    event = published_event(db)
    code = ticket(db, registration(db, event))
    now = utcnow()
    real = tickets.read(code)
    forged = tickets.issue(tickets.SigningKey.generate(real.key_id), real.event_id, real.ticket_id)
    refused = checkin_record(forged, now, verdict="forged")
    unreadable = checkin_record("hello <script>", now, verdict="unreadable")
    bad_payload = {**checkin_record(code, now), "payload": {"code": code, "verdict": "maybe"}}
    wrong_kind = {**checkin_record(code, now), "payload": {"tracking_number": "F260101-ABCDEFGH", "rating": 5}}
    sent = [refused, unreadable, bad_payload, wrong_kind]
    assert receive(db, sender, *sent) == {r["id"] for r in sent}

    rows = _facts(db, event)
    assert rows.keys() == {refused["id"]}  # the unreadable one names no event; the bad payloads make nothing
    assert _verdicts(rows[refused["id"]]) == ("forged", "forged", None)
    assert db.scalar(select(Checkin).where(Checkin.record_id == unreadable["id"])).event_id is None
    assert db.scalars(select(Checkin.record_id)).all().count(bad_payload["id"]) == 0
    assert db.scalars(select(Checkin.record_id)).all().count(wrong_kind["id"]) == 0
    assert set(db.scalars(select(Record.id).where(Record.kind == "checkin"))) == {r["id"] for r in sent}
    assert _counts(db, event) == (0, 0, 0)


def _scan(code: str, record_id: str | None = None, scanned_at=None) -> wire.CheckinScan:
    return wire.CheckinScan(id=record_id or str(uuid.uuid4()), code=code, scanned_at=scanned_at or utcnow(),
                            nonce=uuid.uuid4().hex)


def test_an_online_check_and_its_outbox_copy_are_one_checkin_and_a_retry_gets_the_first_answer(db):
    sender = terminal(db)
    event = published_event(db)
    person = registration(db, event)
    code = ticket(db, person)
    scan = _scan(code)
    online = checkins.check_online(db, sender, scan)
    db.commit()
    assert (online.kind, online.event_id, online.ticket_id) == ("welcome", event.id, person.ticket_id)
    assert online.sealed_name == person.sealed_name
    outbox_copy = {**checkin_record(code, scan.scanned_at, mode="online"), "id": scan.id}
    assert receive(db, sender, outbox_copy) == set()  # a duplicate
    assert checkins.check_online(db, sender, scan) == online  # a retry after a lost answer
    db.commit()

    assert [(r.record_id, r.mode, r.server_verdict) for r in _facts(db, event).values()] == [(scan.id, "online", "welcome")]
    [stored] = db.scalars(select(Record).where(Record.kind == "checkin"))
    assert (stored.id, stored.payload["verdict"], stored.payload["ticket_id"]) == (scan.id, "welcome", person.ticket_id)

    # Scanned again later, online: "already", naming the first scan.
    again = checkins.check_online(db, sender, _scan(code))
    assert (again.kind, again.prior_at, again.prior_terminal, again.sealed_name) == (
        "already", scan.scanned_at, sender.name, None)


def test_the_outbox_copy_arriving_before_the_online_call_answers_it(db):
    sender = terminal(db)
    event = published_event(db)
    code = ticket(db, registration(db, event))
    scanned = utcnow() - timedelta(seconds=30)
    sent = checkin_record(code, scanned)
    receive(db, sender, sent)
    assert checkins.check_online(db, sender, _scan(code, sent["id"], scanned)).kind == "welcome"
    db.commit()
    assert list(_facts(db, event)) == [sent["id"]]


def _blocked(thread: threading.Thread, seconds: float = 0.5) -> bool:
    """Is ``thread`` still waiting after ``seconds`` (for a lock the test holds)?"""
    thread.join(seconds)
    return thread.is_alive()


def _in_thread(work) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run():
        try:
            outcome.append(work())
        except BaseException as exc:  # reported by the test, not lost in the thread
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


@BOTH_DIALECTS
@pytest.mark.parametrize("holder_scanned", ["earlier", "later"])
def test_an_upload_waits_for_a_concurrent_one_of_the_same_ticket_and_the_earliest_scan_counts(
        db, sessions, holder_scanned):
    east, west = terminal(db, "东门"), terminal(db, "西门")
    event = published_event(db)
    code = ticket(db, registration(db, event))
    t0 = utcnow() - timedelta(minutes=5)
    held, waiting = checkin_record(code, t0), checkin_record(code, t0 + timedelta(seconds=20))
    if holder_scanned == "later":
        held, waiting = checkin_record(code, t0 + timedelta(seconds=20)), checkin_record(code, t0)

    with sessions() as holder:
        assert store(holder, east, held) == {held["id"]}  # not committed yet

        def other_upload():
            with sessions() as other:
                return receive(other, west, waiting)

        thread, outcome = _in_thread(other_upload)
        # The other upload waits for the ticket's registration (PostgreSQL) or the write lock (SQLite) ...
        assert _blocked(thread)
        holder.commit()  # ... until this one is committed, and then sees its check-in
    thread.join(60)
    assert outcome == [{waiting["id"]}]

    rows = _facts(db, event)
    earliest, latest = (held, waiting) if holder_scanned == "earlier" else (waiting, held)
    assert _verdicts(rows[earliest["id"]]) == ("welcome", "welcome", None)
    assert _verdicts(rows[latest["id"]]) == ("welcome", "already", "duplicate")
    assert _counts(db, event) == (1, 1, 0)


@BOTH_DIALECTS
@pytest.mark.parametrize("first", ["online", "outbox"])
def test_an_online_check_and_its_outbox_copy_at_the_same_moment_are_one_checkin(db, sessions, first):
    sender = terminal(db)
    event = published_event(db)
    code = ticket(db, registration(db, event))
    scan = _scan(code, scanned_at=utcnow() - timedelta(seconds=10))
    outbox_copy = {**checkin_record(code, scan.scanned_at, mode="online"), "id": scan.id}

    def online(session):
        return checkins.check_online(session, session.get(type(sender), sender.id), scan)

    def outbox(session):
        return store(session, sender, outbox_copy)

    holding, waiting = (online, outbox) if first == "online" else (outbox, online)
    with sessions() as holder:
        held_answer = holding(holder)  # not committed yet

        def other():
            with sessions() as session:
                answer = waiting(session)
                session.commit()
                return answer

        thread, outcome = _in_thread(other)
        # The other one waits on the record's key (PostgreSQL) or the write lock (SQLite) until this commits.
        assert _blocked(thread)
        holder.commit()
    thread.join(60)
    [other_answer] = outcome
    if first == "online":
        assert held_answer.kind == "welcome" and other_answer == set()  # the copy is a duplicate
    else:
        assert held_answer == {scan.id} and other_answer.kind == "welcome"  # answered from the stored copy
    rows = _facts(db, event)
    assert [(r.record_id, r.server_verdict) for r in rows.values()] == [(scan.id, "welcome")]
    assert db.scalar(select(Record).where(Record.id == scan.id)) is not None


@BOTH_DIALECTS
def test_terminals_uploading_the_same_tickets_at_once_count_each_ticket_once(db, sessions):
    fleet = [terminal(db, f"{n} 号机") for n in range(1, 5)]
    event = published_event(db)
    codes = [ticket(db, registration(db, event, f"参会者{n}", f"1380013800{n}")) for n in range(6)]
    t0 = utcnow() - timedelta(minutes=10)
    batches = [[checkin_record(code, t0 + timedelta(seconds=n + 10 * i)) for i, code in enumerate(codes[::step])]
               for n, step in enumerate((1, -1, 2, -2))]
    same_scan = _scan(codes[0], scanned_at=t0 - timedelta(seconds=1))  # online and from the outbox at once
    same_copy = {**checkin_record(codes[0], same_scan.scanned_at), "id": same_scan.id}
    start = threading.Barrier(6)

    def upload(sender, batch):
        with sessions() as session:
            start.wait()
            return receive(session, sender, *batch)

    def online():
        with sessions() as session:
            start.wait()
            answer = checkins.check_online(session, session.get(type(fleet[0]), fleet[0].id), same_scan)
            session.commit()
            return answer.kind

    work = [lambda s=s, b=b: upload(s, b) for s, b in zip(fleet, batches, strict=True)]
    work += [lambda: upload(fleet[0], [same_copy]), online]
    running = [_in_thread(w) for w in work]
    for thread, _ in running:
        thread.join(120)
    answers = [outcome[0] for _, outcome in running]
    assert not [a for a in answers if isinstance(a, BaseException)], answers
    assert answers[-1] == "welcome"

    sent = sum(len(b) for b in batches) + 1
    assert _counts(db, event) == (len(codes), sent - len(codes), 0)
    rows = list(_facts(db, event).values())
    assert len(rows) == sent
    counted = [r for r in rows if r.server_verdict == "welcome"]
    assert sorted(r.ticket_id for r in counted) == sorted({r.ticket_id for r in rows})
    # Each ticket's counted scan is its earliest.
    for row in counted:
        assert row.scanned_at == min(r.scanned_at for r in rows if r.ticket_id == row.ticket_id)
    assert same_scan.id in {r.record_id for r in counted}


def test_a_phone_check_in_counts_like_a_scan_and_a_later_terminal_welcome_is_a_duplicate(db):
    east = terminal(db, "东门", group="east")
    event = published_event(db, all_terminals=False, terminal_ids=[east.id])
    person = registration(db, event)
    now = utcnow()
    phone, verdict = checkins.check_in_by_phone(db, event, person, now - timedelta(minutes=1))
    db.commit()
    assert verdict.kind == "welcome"
    assert (phone.terminal_id, phone.terminal_name, phone.mode, phone.flag) == (None, "手机签到", "phone", None)
    again, verdict = checkins.check_in_by_phone(db, event, person, now)
    db.commit()
    assert (verdict.kind, verdict.prior.terminal_name, again.flag) == ("already", "手机签到", None)
    late = checkin_record(ticket(db, person), now)
    receive(db, east, late)
    assert _verdicts(_facts(db, event)[late["id"]]) == ("welcome", "already", "duplicate")
    assert _counts(db, event) == (1, 1, 0)
