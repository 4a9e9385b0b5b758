"""The check-in desk offline and with a failing server: every verdict, every scan recorded before the answer.

The online path against the real server is in tests/sync/test_checkin_sync.py; here the only server is
tests/sync/relay.py answering 500 or hanging (a real HTTP server on loopback)."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest

from common import tickets
from common.settings import LinkSettings
from services.checkin.bundle_store import CheckinStore
from services.checkin.desk import CheckinDesk
from services.checkin.link_health import LinkHealth
from services.checkin.online import TerminalApi
from services.sync.identity import TerminalIdentity, save_identity
from tests.services.checkin.conftest import NOW, bundle, event, ticket
from tests.sync.relay import Relay

HERE = "T1 大堂 1 号机"


def _desk(store, outbox, api=lambda: None, link=None):
    return CheckinDesk(store, outbox, api=api, link=link or LinkHealth(), terminal_name=HERE)


@pytest.fixture
def desk(store, outbox, checkin_store):
    sealed = tickets.seal_name(ticket(101), "张小明")
    checkin_store.replace(bundle(
        event(7), event(8, status="cancelled"), event(9, opens=timedelta(hours=1)),
        event(10, closes=timedelta(minutes=-1)),
        revoked=[102], names=[(101, sealed), (103, tickets.seal_name(ticket(104), "someone else"))],
        recent=[(105, NOW - timedelta(minutes=30), "T2 大堂 2 号机")],
    ))
    return _desk(store, outbox)


def _records(outbox):
    return [(r.kind, r.payload) for r in outbox.next_batch(100)]


def test_a_valid_ticket_is_welcomed_with_its_masked_name_and_recorded(desk, outbox):
    result = desk.check(ticket(101), NOW)
    assert (result.kind, result.accepted, result.mode) == ("welcome", True, "offline")
    assert result.name == "张小明" and result.masked_name == "张*明"
    assert result.event_title.zh == "活动 7" and result.event.id == 7
    [(kind, payload)] = _records(outbox)
    assert kind == "checkin"
    assert payload["code"] == ticket(101) and payload["verdict"] == "welcome" and payload["mode"] == "offline"
    assert (payload["event_id"], payload["ticket_id"]) == (7, 101) and len(payload["nonce"]) >= 16
    assert outbox.next_batch(1)[0].id == result.record_id


def test_the_second_scan_says_already_with_when_and_where(desk, outbox):
    first = desk.check(ticket(101), NOW)
    second = desk.check(ticket(101), NOW + timedelta(minutes=3))
    assert second.kind == "already" and not second.accepted
    assert second.prior.scanned_at == first.scanned_at and second.prior.terminal_name == HERE
    assert second.name == "张小明", "the holder may see their own name again"
    elsewhere = desk.check(ticket(105), NOW)
    assert elsewhere.kind == "already" and elsewhere.prior.terminal_name == "T2 大堂 2 号机"
    assert [p["verdict"] for _, p in _records(outbox)] == ["welcome", "already", "already"]


@pytest.mark.parametrize("text, kind", [
    (ticket(102), "cancelled"),
    (ticket(201, event_id=8), "event_cancelled"),
    (ticket(202, event_id=9), "not_open"),
    (ticket(203, event_id=10), "closed"),
    (ticket(204, event_id=99), "wrong_event"),
    (tickets.issue(tickets.SigningKey.from_private_bytes(1, bytes(32)), 7, 205), "forged"),
    (ticket(206)[:-5], "unreadable"),
    ("https://example.org/not-a-ticket", "unreadable"),
    ("", "unreadable"),
])
def test_refusals_are_recorded_too(desk, outbox, text, kind):
    result = desk.check(text, NOW)
    assert result.kind == kind and not result.accepted and result.name is None
    [(_, payload)] = _records(outbox)
    assert payload["verdict"] == kind and payload["mode"] == "offline"


def test_a_name_sealed_for_another_ticket_stays_closed(desk):
    result = desk.check(ticket(103), NOW)  # its sealed entry was made with ticket 104's text
    assert result.kind == "welcome" and result.name is None and result.masked_name is None


def test_hostile_texts_are_cut_and_cleaned_before_they_are_stored(desk, outbox):
    results = [desk.check(text, NOW) for text in ("A" * 10_000, "LK:\x00\ud800绿码", "\x1b[2J" + "票" * 600)]
    assert all(r.kind == "unreadable" for r in results)
    payloads = [p for _, p in _records(outbox)]
    assert len(payloads[0]["code"]) == 512 and len(payloads[2]["code"]) == 512
    assert payloads[1]["code"] == "LK:\ufffd\ufffd绿码"
    json.dumps(payloads, ensure_ascii=True).encode("ascii")


def test_a_time_without_zone_is_refused_and_nothing_recorded(desk, outbox):
    with pytest.raises(ValueError):
        desk.check(ticket(101), NOW.replace(tzinfo=None))
    assert outbox.depth() == 0


def test_the_scan_is_on_disk_when_check_returns(desk, store):
    result = desk.check(ticket(101), NOW)
    # Another connection, as the kiosk restarted after a power cut would open the file.
    with sqlite3.connect(store.path) as other:
        record = other.execute("SELECT kind, payload FROM outbox WHERE id = ?", (result.record_id,)).fetchone()
        logged = other.execute("SELECT ticket_id, accepted FROM checkin_log WHERE record_id = ?",
                               (result.record_id,)).fetchone()
    other.close()
    assert record[0] == "checkin" and json.loads(record[1])["ticket_id"] == 101
    assert logged == (101, 1)


def test_without_a_bundle_no_ticket_can_be_trusted(store, outbox):
    result = _desk(store, outbox).check(ticket(101), NOW)
    assert result.kind == "forged", "no public keys yet: the signature cannot be trusted"


def _enrol_at(data_dir, url):
    save_identity(data_dir, TerminalIdentity(server_url=url, terminal_id=1, token="kt_test", name=HERE,
                                             location="T1"))


def test_a_failing_server_means_offline_verdicts_then_offline_mode(desk, store, outbox, data_dir):
    with Relay() as server:  # no upstream: answers 500 to everything
        _enrol_at(data_dir, server.url)
        api = TerminalApi(data_dir, timeout_seconds=5)
        link = LinkHealth(LinkSettings(failures_to_offline=2, cooldown_seconds=3600, max_cooldown_seconds=3600))
        desk = _desk(store, outbox, api=api, link=link)
        first = desk.check(ticket(101), NOW)
        second = desk.check(ticket(101), NOW + timedelta(seconds=10))
        assert server.count("POST", "/terminal/checkins") == 2
        assert (first.kind, first.mode, second.kind, second.mode) == ("welcome", "offline", "already", "offline")
        assert link.state == "offline"
        third = desk.check(ticket(106), NOW + timedelta(seconds=20))
        assert third.kind == "welcome" and server.count("POST", "/terminal/checkins") == 2, "no more waiting on it"
        api.close()
    assert outbox.depth() == 3


def test_a_hanging_server_costs_one_short_timeout_per_scan(desk, store, outbox, data_dir):
    with Relay() as server:
        server.mode = "hang"
        _enrol_at(data_dir, server.url)
        api = TerminalApi(data_dir, timeout_seconds=0.3)
        link = LinkHealth(LinkSettings(failures_to_offline=1, cooldown_seconds=3600, max_cooldown_seconds=3600))
        result = _desk(store, outbox, api=api, link=link).check(ticket(101), NOW)
        assert (result.kind, result.mode) == ("welcome", "offline")
        assert link.state == "offline"
        api.close()
    with store.transaction() as db:
        assert db.execute("SELECT COUNT(*) FROM checkin_log WHERE accepted = 1").fetchone()[0] == 1


def test_the_events_on_offer_come_in_start_order(desk):
    assert [e.id for e in desk.events()] == [7, 8, 9, 10]


def test_a_new_bundle_reaches_a_running_desk(desk, store):
    CheckinStore(store).replace(bundle(event(7), etag="b2", revoked=[101]))
    assert desk.check(ticket(101), NOW).kind == "cancelled"


def test_offline_a_volunteer_checks_in_then_out_as_the_server_would(store, outbox, checkin_store):
    """A volunteer activity (event 11): the server's list says 201 checked in 40 minutes ago at another terminal
    and 202 checked in and out; here 203 checks in, repeats too soon, then checks out; 201 checks out."""
    checkin_store.replace(bundle(event(11).model_copy(update={"volunteer": True}), recent=[
        (201, NOW - timedelta(minutes=40), "T2 大堂 2 号机"),
        (202, NOW - timedelta(minutes=90), "T2 大堂 2 号机"), (202, NOW - timedelta(minutes=20), "T2 大堂 2 号机")]))
    desk = _desk(store, outbox)
    kinds = [desk.check(ticket(tid, 11), NOW + later).kind for tid, later in (
        (203, timedelta()), (203, timedelta(minutes=9)), (203, timedelta(minutes=10)), (203, timedelta(minutes=11)),
        (201, timedelta()), (202, timedelta()))]
    assert kinds == ["welcome", "already", "checked_out", "already", "checked_out", "already"]
    out = desk.check(ticket(201, 11), NOW + timedelta(minutes=1))
    assert out.prior.checked_out_at == NOW  # learnt from its own log: 201 is out now
    assert [payload["verdict"] for _kind, payload in _records(outbox)][2] == "checked_out"
