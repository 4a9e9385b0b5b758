"""The check-in bundle in the local store: replaced whole, validated first, looked up by index."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest

from common.checkin_rules import PriorCheckin
from services.checkin.bundle_store import CheckinBundleError, CheckinStore, RevokedTickets, parse_bundle
from services.storage.store import LocalStore
from tests.services.checkin.conftest import KEY, NOW, b64url, bundle, event


def test_an_empty_store_has_no_bundle(checkin_store):
    assert checkin_store.applied_etag() is None
    assert checkin_store.events() == {} and checkin_store.public_keys() == {}
    assert not checkin_store.is_revoked(1) and checkin_store.prior(1, "here") is None


def test_a_bundle_is_stored_and_read_back(checkin_store):
    first = bundle(event(7), event(8, status="cancelled"), revoked=[11, 12], names=[(21, "sealed-21")],
                   recent=[(31, NOW - timedelta(minutes=5), "T2"), (31, NOW - timedelta(minutes=9), "T3")])
    checkin_store.replace(first)
    assert checkin_store.applied_etag() == "b1"
    assert checkin_store.events() == {7: first.events[0], 8: first.events[1]}
    assert checkin_store.windows()[8].status == "cancelled"
    assert checkin_store.windows()[7].opens_at == NOW - timedelta(hours=1)
    assert checkin_store.public_keys() == {1: KEY.public_bytes()}
    assert 11 in RevokedTickets(checkin_store) and 13 not in RevokedTickets(checkin_store)
    assert checkin_store.sealed_name(21) == "sealed-21" and checkin_store.sealed_name(22) is None
    assert checkin_store.prior(31, "here") == PriorCheckin(NOW - timedelta(minutes=9), "T3"), "the first one counts"


def test_the_local_log_and_the_servers_list_give_the_earliest_prior(store, checkin_store):
    checkin_store.replace(bundle(recent=[(31, NOW - timedelta(minutes=5), "T2")]))
    with store.transaction() as db:
        CheckinStore.log_scan(db, "r1", 31, 7, NOW - timedelta(minutes=2), accepted=True)
        CheckinStore.log_scan(db, "r2", 32, 7, NOW - timedelta(minutes=20), accepted=False)
        CheckinStore.log_scan(db, "r3", 33, 7, NOW - timedelta(minutes=20), accepted=True)
    assert checkin_store.prior(31, "T1") == PriorCheckin(NOW - timedelta(minutes=5), "T2")
    assert checkin_store.prior(32, "T1") is None, "a refused scan is no check-in"
    assert checkin_store.prior(33, "T1") == PriorCheckin(NOW - timedelta(minutes=20), "T1")
    assert checkin_store.local_checkins(7) == 2


def test_a_new_bundle_replaces_the_old_one_whole_and_every_reader_sees_it(store, checkin_store):
    checkin_store.replace(bundle(event(7), revoked=[11], names=[(21, "x")]))
    other_reader = CheckinStore(store)
    assert set(other_reader.events()) == {7}
    checkin_store.replace(bundle(event(9), etag="b2", revoked=[12]))
    assert set(other_reader.events()) == {9}, "a cached reader notices the new bundle"
    assert not checkin_store.is_revoked(11) and checkin_store.is_revoked(12)
    assert checkin_store.sealed_name(21) is None


def test_a_bundle_that_fails_half_way_leaves_the_old_one(store, checkin_store, monkeypatch):
    checkin_store.replace(bundle(event(7), revoked=[11]))
    broken = bundle(event(9), etag="b2", revoked=[12])
    broken.recent.append(object())  # fails after the deletes and most inserts ran
    with pytest.raises(AttributeError):
        checkin_store.replace(broken)
    assert checkin_store.applied_etag() == "b1" and set(checkin_store.events()) == {7}
    assert checkin_store.is_revoked(11) and not checkin_store.is_revoked(12)


@pytest.mark.parametrize("damage, complaint", [
    (lambda d: d.pop("events"), "events"),
    (lambda d: d["public_keys"][0].update(public_key=b64url(b"short")), "not 32 bytes"),
    (lambda d: d["public_keys"][0].update(public_key="not*base64"), "base64url"),
    (lambda d: d["events"][0].update(phone_secret="***"), "phone secret"),
    (lambda d: d["events"][0].update(status="draft"), "status"),
    (lambda d: d["revoked"].append("eleven"), "revoked"),
])
def test_a_damaged_bundle_is_refused_naming_the_problem(damage, complaint):
    document = bundle(revoked=[11]).model_dump(mode="json")
    damage(document)
    with pytest.raises(CheckinBundleError, match=complaint):
        parse_bundle(document, "bundle from test")
    assert parse_bundle(bundle().model_dump(mode="json"), "good").etag == "b1"


def test_lookups_use_the_indexes(store, checkin_store):
    checkin_store.replace(bundle(revoked=range(5000), names=[(i, "s") for i in range(5000)],
                                 recent=[(i, NOW, "T2") for i in range(5000)]))
    queries = [
        ("SELECT 1 FROM checkin_revoked WHERE ticket_id = ?", "checkin_revoked"),
        ("SELECT sealed FROM checkin_names WHERE ticket_id = ?", "checkin_names"),
        ("SELECT scanned_at FROM checkin_recent WHERE ticket_id = ? ORDER BY scanned_at LIMIT 1", "checkin_recent_ticket"),
        ("SELECT scanned_at FROM checkin_log WHERE ticket_id = ? AND accepted = 1 ORDER BY scanned_at LIMIT 1",
         "checkin_log_ticket"),
    ]
    with store.transaction() as db:
        for query, index in queries:
            plan = " ".join(row["detail"] for row in db.execute("EXPLAIN QUERY PLAN " + query, (1,)))
            assert "SCAN" not in plan and ("PRIMARY KEY" in plan or index in plan), f"{query}: {plan}"
    assert checkin_store.is_revoked(4999) and checkin_store.sealed_name(2500) == "s"


def test_an_older_store_file_gains_the_checkin_tables_and_keeps_its_outbox(data_dir, seed):
    path = data_dir / "old.sqlite"
    LocalStore.open(path, seed).close()
    with sqlite3.connect(path) as db:  # as the kiosk before check-in left it: schema 2 with a queued record
        for table in ("checkin_events", "checkin_keys", "checkin_revoked", "checkin_names", "checkin_recent",
                      "checkin_log", "kept"):
            db.execute(f"DROP TABLE {table}")
        db.execute("INSERT INTO outbox (id, kind, created_at, payload) VALUES ('x', 'diagnostic', 'now', '{}')")
        db.execute("PRAGMA user_version = 2")
    db.close()
    store = LocalStore.open(path, seed)
    try:
        assert store.status().schema_version >= 3 and store.status().rebuilt_from is None
        CheckinStore(store).replace(bundle())
        with store.transaction() as db:
            assert db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 1
    finally:
        store.close()


def test_readers_on_other_threads_see_one_bundle_or_the_other(store, checkin_store):
    one, two = bundle(event(7), etag="b1"), bundle(event(9), etag="b2")
    checkin_store.replace(one)
    seen, stop = set(), threading.Event()

    def read():
        reader = CheckinStore(store)
        while not stop.is_set():
            seen.add(frozenset(reader.events()))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for index in range(50):
            checkin_store.replace(two if index % 2 else one)
    finally:
        stop.set()
        thread.join()
    assert seen <= {frozenset({7}), frozenset({9})}
