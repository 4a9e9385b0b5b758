"""Attendees (server/events/attendees.py) straight against the database: a CSV import is all or nothing with an
error per row and column, importing the same file again skips the rows already registered, one phone number
registers once per event (also when two registrations race), and every registration is a ticket of its own."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from common import tickets
from server.events import attendees, tickets_issue
from server.events.schemas import AttendeeFields
from server.fleet.models import AuditEntry, Registration
from tests.server.checkin_calls import BAD_ATTENDEE_FILE
from tests.server.domain.builders import ACTOR, BOTH_DIALECTS, published_event, registration


def _registered(db, event) -> list[tuple[str, str, str, str]]:
    db.expire_all()
    return [(r.name, r.phone, r.organisation, r.source) for r in attendees.list_for_event(db, event.id)]


def _errors(rejected: pytest.ExceptionInfo) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in rejected.value.errors]


def _audited(db, action: str) -> list[dict]:
    return [e.detail for e in db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def test_a_file_with_bad_rows_is_refused_row_by_row_and_nothing_is_imported(db):
    event = published_event(db)
    registration(db, event, "王五", "13700137000")
    with pytest.raises(attendees.ImportRejected) as rejected:
        attendees.import_csv(db, event, BAD_ATTENDEE_FILE, ACTOR)
    db.rollback()  # as the route does on a refusal
    assert _errors(rejected) == [(3, "name"), (4, "phone"), (5, "phone"), (6, "phone")]
    messages = [e.message for e in rejected.value.errors]
    assert messages[1] == "not a mainland mobile number (11 digits starting 13-19)"
    assert messages[2] == "the same phone as row 2"
    assert messages[3] == "137****7000 is registered for this event already, under another name"
    assert str(rejected.value) == "4 row(s) with errors; nothing was imported"
    assert _registered(db, event) == [("王五", "13700137000", "", "import")]  # the good rows 2 and 8 neither
    assert _audited(db, "attendee.import") == []


def test_a_good_file_imports_once_and_again_changes_nothing(db):
    event = published_event(db)
    registration(db, event, "王五", "13700137000")
    good = "\ufeffname,phone,organisation\n张三,13800138000,华东设计院\nZoë <b>,138-0013 8002,\n王五,13700137000,\n"
    assert attendees.import_csv(db, event, good, ACTOR) == attendees.ImportOutcome(created=2, unchanged=1)
    db.commit()
    assert attendees.import_csv(db, event, good, ACTOR) == attendees.ImportOutcome(created=0, unchanged=3)
    db.commit()
    assert _registered(db, event) == [("王五", "13700137000", "", "import"), ("张三", "13800138000", "华东设计院", "import"),
                                      ("Zoë <b>", "13800138002", "", "import")]
    assert _audited(db, "attendee.import") == [{"created": 2, "unchanged": 1}, {"created": 0, "unchanged": 3}]
    assert len(_audited(db, "attendee.register")) == 3
    # A corrected file: the rows already in stay as they are, only the new one is added.
    more = good + "李四,13900139000,税务局\n"
    assert attendees.import_csv(db, event, more, ACTOR) == attendees.ImportOutcome(created=1, unchanged=3)


@pytest.mark.parametrize("header", ["name,phone,organisation", "姓名,手机号,组织", " Name , PHONE ", "姓名,电话"])
def test_the_header_may_be_english_or_chinese_in_any_case_and_organisation_is_optional(db, header):
    event = published_event(db)
    assert attendees.import_csv(db, event, f"{header}\n张三,13800138000\n", ACTOR).created == 1
    assert _registered(db, event) == [("张三", "13800138000", "", "import")]


@pytest.mark.parametrize(("text", "errors"), [
    ("", [(1, "")]),
    ("name,organisation\n张三,人社局\n", [(1, "phone")]),
    ("手机\n13800138000\n", [(1, "name")]),
])
def test_a_file_without_its_header_columns_is_refused_at_row_1(db, text, errors):
    event = published_event(db)
    with pytest.raises(attendees.ImportRejected) as rejected:
        attendees.import_csv(db, event, text, ACTOR)
    assert _errors(rejected) == errors


def test_a_file_over_the_row_limit_is_refused(db, monkeypatch):
    monkeypatch.setattr(attendees, "MAX_IMPORT_ROWS", 3)
    event = published_event(db)
    rows = "".join(f"参会者{n},1380013800{n}\n" for n in range(4))
    with pytest.raises(attendees.ImportRejected) as rejected:
        attendees.import_csv(db, event, "name,phone\n" + rows, ACTOR)
    assert [(e.row, e.message) for e in rejected.value.errors] == [(5, "more than 3 rows")]
    assert attendees.import_csv(db, event, "name,phone\n" + rows[:-len("参会者3,13800138003\n")], ACTOR).created == 3


def test_one_phone_registers_once_per_event_but_again_for_another_event(db):
    event, other_event = published_event(db), published_event(db)
    registration(db, event, "张三", "13800138000")
    with pytest.raises(attendees.PhoneTaken, match=r"138\*\*\*\*8000 is registered for this event already"):
        attendees.register(db, event, AttendeeFields(name="张三", phone="13800138000"), "self", ACTOR)
    assert registration(db, other_event, "张三", "13800138000").event_id == other_event.id


def test_every_registration_is_a_ticket_of_its_own_that_verifies_and_carries_the_sealed_name(db):
    event = published_event(db)
    people = [registration(db, event, f"参会者{n}", f"1380013800{n}") for n in range(5)]
    keys = tickets_issue.public_keys(db)
    for person in people:
        text = tickets_issue.ticket_text(db, person)
        verified = tickets.verify(text, keys)
        assert (verified.event_id, verified.ticket_id) == (event.id, person.ticket_id)
        assert tickets.open_name(text, person.sealed_name) == person.name
    assert len({p.ticket_id for p in people}) == len({p.page_token for p in people}) == 5
    assert attendees.find_by_page_token(db, people[2].page_token).id == people[2].id


def test_a_revocation_is_recorded_once(db):
    event = published_event(db)
    person = registration(db, event)
    attendees.revoke(db, person, ACTOR)
    first = person.revoked_at
    attendees.revoke(db, person, "someone else")
    db.commit()
    assert (person.revoked_at, person.revoked_by) == (first, ACTOR)
    assert _audited(db, "attendee.revoke") == [{"ticket_id": person.ticket_id}]


@BOTH_DIALECTS
def test_two_registrations_of_one_phone_at_the_same_moment_make_one(db, sessions):
    event = published_event(db)
    fields = AttendeeFields(name="张三", phone="13800138000")
    outcome: list = []
    with sessions() as holder:
        attendees.register(holder, holder.get(type(event), event.id), fields, "self", ACTOR)  # not committed yet

        def other():
            with sessions() as session:
                try:
                    attendees.register(session, session.get(type(event), event.id), fields, "self", ACTOR)
                    session.commit()
                    outcome.append("registered")
                except attendees.PhoneTaken:
                    outcome.append("taken")

        thread = threading.Thread(target=other, daemon=True)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the first one's row (PostgreSQL) or write lock (SQLite)
        holder.commit()
    thread.join(60)
    assert outcome == ["taken"]
    db.expire_all()
    assert len(db.scalars(select(Registration).where(Registration.event_id == event.id)).all()) == 1
