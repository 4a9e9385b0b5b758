"""The catalogue from the real server: a new one replaces the kiosk's, an unusable one is refused."""

from __future__ import annotations

from common.wire import API_PREFIX
from services.storage.store import LocalStore
from services.sync.engine import CatalogueChanged
from tests.factories import catalogue_data, service_data
from tests.sync.conftest import admin_json, wait_for

CATALOGUE = "/terminal/catalogue"


def _publish(server, version: str, *codes: str) -> dict:
    document = catalogue_data(*(service_data(code=code) for code in codes), version=version)
    return admin_json(server, "PUT", "/admin/catalogue", json=document)


def test_a_published_catalogue_replaces_the_kiosks(live_server, enrolled, relay, make_engine, store):
    initial = admin_json(live_server, "GET", "/admin/catalogue")
    engine, watcher = make_engine(None)
    first = watcher.wait(CatalogueChanged, "the server's catalogue")
    assert first.catalogue.version == initial["version"] != "seed-1"

    info = _publish(live_server, "server-2", "RS-101", "RS-102")
    changed = watcher.wait(CatalogueChanged, "the new catalogue", lambda e: e.catalogue.version == "server-2")
    assert changed.catalogue.version == "server-2"
    assert [s.code for s in changed.catalogue.services] == ["RS-101", "RS-102"]
    assert store.catalogue() == changed.catalogue
    assert store.status().catalogue_source == f"server:{info['etag']}"

    heartbeats = relay.count("POST", "/terminal/heartbeat", 200)
    wait_for(lambda: relay.count("POST", "/terminal/heartbeat", 200) >= heartbeats + 3, "three more cycles",
             nudge=engine.sync_now)
    assert relay.count("GET", CATALOGUE) == 2  # the initial one and this one; unchanged, not fetched again
    wait_for(lambda: admin_json(live_server, "GET", f"/admin/terminals/{enrolled.terminal_id}/heartbeats?limit=1")
             [0]["catalogue_version"] == "server-2", "the heartbeat to report the new catalogue")


def test_an_unusable_catalogue_is_refused_and_the_old_one_kept(live_server, enrolled, relay, make_engine, store):
    engine, watcher = make_engine(None)
    _publish(live_server, "server-2", "RS-101")
    watcher.wait(CatalogueChanged, "the first catalogue", lambda e: e.catalogue.version == "server-2")

    def broken(document):  # e.g. cut by a proxy, or from a server with another catalogue format
        document["services"][0]["department"] = "no-such-department"
        return document

    relay.rewrites[API_PREFIX + CATALOGUE] = broken
    _publish(live_server, "server-3", "RS-201")
    status = watcher.wait_status(lambda s: "no-such-department" in s.last_error, "the refusal")
    assert status.state == "online"
    assert store.catalogue().version == "server-2"
    assert [e.catalogue.version for e in watcher.of(CatalogueChanged)][-1] == "server-2"

    relay.rewrites.clear()
    _publish(live_server, "server-4", "RS-301")
    watcher.wait(CatalogueChanged, "the next good catalogue", lambda e: e.catalogue.version == "server-4")
    assert watcher.wait_status(lambda s: s.state == "online" and not s.last_error, "the error to clear")


def test_a_store_reseeded_after_damage_fetches_the_servers_catalogue_again(live_server, enrolled, make_engine, store,
                                                                           data_dir, seed):
    engine, watcher = make_engine(None)
    served = watcher.wait(CatalogueChanged, "the server's catalogue").catalogue
    engine.stop()
    with store.transaction() as db:
        db.execute("UPDATE catalogue SET document = '{\"damaged\": true}'")
    store.close()
    reopened = LocalStore.open(data_dir / "store.sqlite", seed)  # the damaged catalogue gives way to the seed
    try:
        assert reopened.catalogue().version == "seed-1"
        restarted, watcher = make_engine(None, store=reopened)
        assert watcher.wait(CatalogueChanged, "the server's catalogue again").catalogue == served
        assert reopened.catalogue() == served
        restarted.stop()
    finally:
        reopened.close()
