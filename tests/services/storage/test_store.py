"""The local store: a real SQLite file, seeded, kept across restarts, rebuilt when damaged, never a crash."""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import threading

import pytest

from services.storage.store import LocalStore
from tests.factories import catalogue_data, make_catalogue, service_data

SEED_SERVICES = (service_data(code="RS-001"), service_data(code="RS-002"), service_data(code="SC-001", department="market"))


@pytest.fixture
def seed(tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(catalogue_data(*SEED_SERVICES, version="seed-1"), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def store_path(data_dir):
    return data_dir / "store.sqlite"


@pytest.fixture
def open_store(store_path, seed):
    """Opens the store (closed again at the end); call it again to simulate a restart."""
    opened = []

    def _open():
        store = LocalStore.open(store_path, seed)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()


def _seed_version(seed) -> str:
    return json.loads(seed.read_text(encoding="utf-8"))["version"]


def _sql(path, *statements):
    with sqlite3.connect(path) as db:
        for statement in statements:
            db.execute(statement)
    db.close()


def test_first_open_imports_the_seed(open_store, store_path, seed):
    status = open_store().status()
    assert status.ok
    assert status.catalogue_version == _seed_version(seed)
    assert seed.name in status.catalogue_source
    assert status.service_count == len(SEED_SERVICES)
    assert status.rebuilt_from is None
    assert status.path == store_path and status.size_bytes > 0


def test_store_file_is_in_wal_mode_on_disk(open_store, store_path):
    open_store().close()
    with sqlite3.connect(store_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_replaced_catalogue_survives_a_restart(open_store, seed):
    store = open_store()
    store.replace_catalogue(make_catalogue(service_data(code="NEW-001"), version="sync-2"), source="sync:test")
    store.close()

    reopened = open_store()
    assert reopened.catalogue().version == "sync-2"
    assert [s.code for s in reopened.catalogue().services] == ["NEW-001"]
    assert reopened.status().catalogue_source == "sync:test"


def _random_bytes(path):
    path.write_bytes(random.Random(7).randbytes(64 * 1024))


def _truncated_to_half(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage_header(path):
    data = bytearray(path.read_bytes())
    data[:16] = b"not a database!!"
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_random_bytes, _truncated_to_half, _garbage_header])
def test_corrupt_store_is_moved_aside_and_rebuilt(open_store, store_path, seed, damage):
    # A real store, big enough to span many pages, then damaged on disk.
    store = open_store()
    store.replace_catalogue(
        make_catalogue(*(service_data(code=f"RS-{n:03d}") for n in range(1, 121)), version="big"), "sync:test"
    )
    store.close()
    damage(store_path)
    damaged = store_path.read_bytes()

    status = open_store().status()

    assert status.rebuilt_from is not None
    assert status.rebuilt_from.parent == store_path.parent
    assert status.rebuilt_from.name.startswith("store.sqlite.corrupt-")
    assert status.rebuilt_from.read_bytes() == damaged  # kept, untouched, for whoever investigates
    assert status.ok
    assert status.catalogue_version == _seed_version(seed)


@pytest.mark.parametrize("document", ["{not json", json.dumps({"version": "broken", "services": []})])
def test_unusable_stored_catalogue_is_reseeded_with_a_warning(open_store, store_path, seed, caplog, document):
    store = open_store()
    store.replace_catalogue(make_catalogue(service_data(code="NEW-001"), version="sync-2"), source="sync:test")
    store.close()
    _sql(store_path, f"UPDATE catalogue SET document = '{document}'")

    with caplog.at_level(logging.WARNING, logger="services.storage.store"):
        reopened = open_store()

    assert reopened.catalogue().version == _seed_version(seed)
    assert reopened.status().catalogue_version == _seed_version(seed)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any(str(store_path) in r.getMessage() for r in warnings), caplog.text


def test_store_missing_its_catalogue_table_is_moved_aside_and_rebuilt(open_store, store_path, seed):
    open_store().close()
    _sql(store_path, "DROP TABLE catalogue")

    status = open_store().status()

    assert status.rebuilt_from is not None and status.rebuilt_from.exists()
    assert status.ok
    assert status.catalogue_version == _seed_version(seed)


def test_store_from_a_newer_schema_is_moved_aside_and_rebuilt(open_store, store_path, seed):
    open_store().close()
    _sql(store_path, "PRAGMA user_version = 99")

    status = open_store().status()

    assert status.rebuilt_from is not None and status.rebuilt_from.exists()
    assert status.schema_version < 99
    assert status.catalogue_version == _seed_version(seed)
    with sqlite3.connect(status.rebuilt_from) as kept:
        assert kept.execute("PRAGMA user_version").fetchone()[0] == 99
    kept.close()


# -- readers on other threads during replace -------------------------------------------------------

# Each version has as many services as its number: a reader can tell a whole catalogue from a mix.
VERSIONS = {f"v{n}": make_catalogue(*(service_data(code=f"RS-{i:03d}") for i in range(1, n + 1)), version=f"v{n}")
            for n in (1, 2, 3, 4)}


def _read_while_replacing(store, read, rounds=15, readers=3):
    """Run ``read(store)`` in reader threads while the main thread replaces the catalogue; returns what they saw."""
    seen, errors, stop = set(), [], threading.Event()

    def reader():
        try:
            while not stop.is_set():
                seen.add(read(store))
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    try:
        for catalogue in list(VERSIONS.values()) * rounds:
            store.replace_catalogue(catalogue, source="sync:test")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    return seen


def _catalogue_seen(store):
    catalogue = store.catalogue()  # one read: the version and the services must belong together
    return catalogue.version, len(catalogue.services)


def _status_seen(store):
    status = store.status()
    return status.catalogue_version, status.service_count


def _whole_catalogues(seed):
    return {(name, len(c.services)) for name, c in VERSIONS.items()} | {(_seed_version(seed), len(SEED_SERVICES))}


def test_readers_see_a_whole_catalogue_during_replace(open_store, seed):
    store = open_store()
    seen = _read_while_replacing(store, _catalogue_seen)
    assert seen and seen <= _whole_catalogues(seed)
    assert store.catalogue().version == list(VERSIONS)[-1]  # the last replace won


def test_status_reports_one_catalogue_during_replace(open_store, seed):
    seen = _read_while_replacing(open_store(), _status_seen)
    mixed = sorted(seen - _whole_catalogues(seed))
    assert mixed == [], f"status() paired a catalogue version with another catalogue's service count: {mixed[:5]}"
