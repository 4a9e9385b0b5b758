"""Remote configuration from the real server: applied when it changes, fetched only then, refused when hostile.

Downloads are counted by a relay in front of the server (tests/sync/relay.py), a real loopback HTTP server.
"""

from __future__ import annotations

from common.wire import API_PREFIX
from services.storage.outbox import Outbox
from services.sync.api import ServerApi
from services.sync.engine import SettingsChanged
from tests.sync.conftest import admin_json, wait_for
from tests.sync.relay import Relay

CONFIG = "/terminal/config"
HEARTBEAT = "/terminal/heartbeat"


def _set_layer(server, terminal_id: int, settings: dict) -> int:
    return admin_json(server, "PUT", f"/admin/config/terminals/{terminal_id}", json={"settings": settings})["version"]


def _terminal(server, terminal_id: int) -> dict:
    return admin_json(server, "GET", f"/admin/terminals/{terminal_id}")


def test_an_administrators_change_reaches_the_kiosk(live_server, enrolled, make_engine, store):
    engine, watcher = make_engine(None)
    first = watcher.wait(SettingsChanged, "the first configuration")
    assert first.settings.terminal.name == enrolled.name  # the server puts in the terminal's own name
    assert store.remote_settings() == first.settings

    version = _set_layer(live_server, enrolled.terminal_id,
                         {"display": {"theme": "dark"}, "idle": {"timeout_seconds": 90}})
    changed = watcher.wait(SettingsChanged, "the changed configuration", lambda e: e.version == version)
    assert (changed.settings.display.theme, changed.settings.idle.timeout_seconds) == ("dark", 90)
    assert store.remote_settings().display.theme == "dark" and store.remote_settings_version() == version
    status = watcher.wait_status(lambda s: s.config_version == version and s.state == "online", "the new version")
    assert status.config_error is None
    wait_for(lambda: _terminal(live_server, enrolled.terminal_id)["config_version_applied"] == version,
             "the server to learn the applied version", nudge=engine.sync_now)


def test_the_batch_size_from_the_server_governs_the_outbox(live_server, enrolled, relay, make_engine, store):
    version = _set_layer(live_server, enrolled.terminal_id, {"sync": {"batch_size": 3}})
    engine, watcher = make_engine(None)
    watcher.wait(SettingsChanged, "the configuration", lambda e: e.version == version)
    outbox = Outbox(store)
    for n in range(7):
        outbox.add("feedback", {"n": n})
    watcher.wait_status(lambda s: s.outbox_depth == 0 and s.state == "online", "the outbox to drain")
    assert relay.count("POST", "/terminal/records", 200) == 3  # 3 + 3 + 1


def test_an_unchanged_configuration_is_not_downloaded_again(live_server, enrolled, relay, make_engine):
    engine, watcher = make_engine(None)
    watcher.wait(SettingsChanged, "the first configuration")
    heartbeats = relay.count("POST", HEARTBEAT, 200)
    wait_for(lambda: relay.count("POST", HEARTBEAT, 200) >= heartbeats + 3, "three more cycles",
             nudge=engine.sync_now)
    engine.stop()
    restarted, _ = make_engine(None)  # the etag is kept in the store across a restart
    wait_for(lambda: relay.count("POST", HEARTBEAT, 200) >= heartbeats + 5, "cycles after a restart",
             nudge=restarted.sync_now)
    assert relay.count("GET", CONFIG) == 1

    version = _set_layer(live_server, enrolled.terminal_id, {"display": {"theme": "high_contrast"}})
    wait_for(lambda: restarted.status().config_version == version, "the change", nudge=restarted.sync_now)
    [_, second] = [e for e in relay.exchanges if e.path.endswith(CONFIG)]
    assert second.status == 200 and second.request_headers.get("If-None-Match")  # asked conditionally
    assert [e.settings.display.theme for e in watcher.of(SettingsChanged)] == ["light"]


def test_a_conditional_get_of_an_unchanged_configuration_is_a_304(live_server, enrolled):
    with Relay(live_server.url) as relay:
        api = ServerApi(relay.url, enrolled.token)
        config = api.config()
        assert api.config(etag=config.etag) is None
        assert api.config(etag="0" * 64) == config
        api.close()
    assert [e.status for e in relay.exchanges] == [200, 304, 200]
    assert relay.exchanges[1].path == API_PREFIX + CONFIG


HOSTILE = {
    "idle": {"warning_seconds": 1},  # a visitor would get no time to answer
    "guide": {"qr_url_template": "javascript:alert(1)//{code}"},
    "maintenance": {"pin_hash": "2468"},  # a PIN in clear
    "display": {"theme": "<script>"},
    "printer": {"backend": "serial", "baudrate": -1},
    "sync": {"heartbeat_seconds": 0},
    "surprise": {"rm": "-rf /"},
}


def _hostile(document: dict) -> dict:
    settings = dict(document["settings"])
    for section, values in HOSTILE.items():
        settings[section] = {**settings.get(section, {}), **values}
    return {**document, "settings": settings}


def test_hostile_values_are_refused_locally_and_reported_in_the_next_heartbeat(live_server, enrolled, relay,
                                                                                make_engine, store):
    engine, watcher = make_engine(None)
    good = watcher.wait(SettingsChanged, "the first configuration")
    relay.rewrites[API_PREFIX + CONFIG] = _hostile  # the server (or something in between) turns hostile
    version = _set_layer(live_server, enrolled.terminal_id, {"display": {"theme": "dark"}})

    status = watcher.wait_status(lambda s: s.config_error, "the configuration to be refused")
    for key in ("idle.warning_seconds", "guide.qr_url_template", "maintenance.pin_hash", "display.theme",
                "printer.baudrate", "sync.heartbeat_seconds", "surprise"):
        assert key in status.config_error
    assert status.config_version == good.version != version
    assert store.remote_settings() == good.settings  # the last good settings stay in force
    reported = wait_for(lambda: _terminal(live_server, enrolled.terminal_id)["config_error"],
                        "the refusal in a heartbeat", nudge=engine.sync_now)
    assert "idle.warning_seconds" in reported
    assert _terminal(live_server, enrolled.terminal_id)["config_version_applied"] == good.version
    [_, refused] = [e for e in relay.exchanges if e.path.endswith(CONFIG)]
    assert refused.status == 200
    assert [e.version for e in watcher.of(SettingsChanged)] == [good.version]


def test_reload_config_fetches_and_applies_again(live_server, enrolled, make_engine):
    engine, watcher = make_engine(None)
    first = watcher.wait(SettingsChanged, "the first configuration")
    command = admin_json(live_server, "POST", f"/admin/terminals/{enrolled.terminal_id}/commands",
                         json={"kind": "reload_config"})
    done = wait_for(lambda: next((c for c in admin_json(live_server, "GET",
                                                         f"/admin/terminals/{enrolled.terminal_id}/commands")
                                  if c["id"] == command["id"] and c["status"] == "done"), None),
                    "the reload to be acknowledged", nudge=engine.sync_now)
    assert f"version {first.version} applied" in done["result"]
    assert len(watcher.of(SettingsChanged)) == 2  # applied again, though unchanged
