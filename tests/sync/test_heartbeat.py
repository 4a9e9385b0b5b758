"""What a heartbeat tells the real server, and that a broken UI snapshot never stops it."""

from __future__ import annotations

import shutil
from dataclasses import replace
from types import SimpleNamespace

import pytest

from kiosk.phone_links import phone_base
from services.storage.outbox import Outbox
from services.sync.engine import SettingsChanged
from tests.sync.conftest import APP_VERSION, admin_json, wait_for


def _latest(server, terminal_id: int, engine, condition=lambda h: True) -> dict:
    def arrived():
        history = admin_json(server, "GET", f"/admin/terminals/{terminal_id}/heartbeats?limit=1")
        return history[0] if history and condition(history[0]) else None

    return wait_for(arrived, "a matching heartbeat", nudge=engine.sync_now)


def test_a_heartbeat_reports_the_terminal_as_it_is(live_server, enrolled, make_engine, store, data_dir):
    info = {"current_screen": "guide", "peripherals": {"printer": "error"}, "in_service": False}
    engine, watcher = make_engine(None, heartbeat_info=lambda: dict(info))
    applied = watcher.wait(SettingsChanged, "the configuration")
    Outbox(store).add("feedback", {"rating": 5})
    with store.transaction() as db:  # a record parked earlier
        db.execute("INSERT INTO parked (id, kind, created_at, payload, error, parked_at)"
                   " VALUES ('p1', 'feedback', '2024-01-01T00:00:00+00:00', '{}', 'refused', '2024-01-01T00:00:00+00:00')")
    heartbeat = _latest(live_server, enrolled.terminal_id, engine,
                        lambda h: h["parked_count"] == 1)
    assert heartbeat["app_version"] == APP_VERSION
    assert (heartbeat["current_screen"], heartbeat["peripherals"], heartbeat["in_service"]) == (
        "guide", {"printer": "error"}, False)
    assert heartbeat["config_version"] == applied.version and heartbeat["last_sync_at"]
    assert heartbeat["outbox_depth"] in (0, 1)  # 0 once the record went out in the same cycle
    assert 0 < heartbeat["free_disk_bytes"] <= shutil.disk_usage(data_dir).total
    assert heartbeat["uptime_seconds"] >= 0 and heartbeat["config_error"] is None
    assert heartbeat["catalogue_version"] == store.catalogue().version
    # From the second heartbeat on: the clock's offset against the server's (the same machine here).
    measured = _latest(live_server, enrolled.terminal_id, engine, lambda h: h["clock_offset_seconds"] is not None)
    assert abs(measured["clock_offset_seconds"]) < 5 and engine.status().clock_offset_seconds is not None


def test_a_broken_ui_snapshot_never_stops_the_heartbeat(live_server, enrolled, make_engine):
    snapshots = iter([
        {"current_screen": "home" * 30, "peripherals": {"printer": "on fire"}, "in_service": True},
    ])

    def heartbeat_info():
        return next(snapshots)  # then StopIteration: the UI is gone

    engine, watcher = make_engine(None, heartbeat_info=heartbeat_info)
    history = wait_for(lambda: len(h := admin_json(live_server, "GET",
                                                   f"/admin/terminals/{enrolled.terminal_id}/heartbeats")) >= 2 and h,
                       "two heartbeats", nudge=engine.sync_now)
    first, later = history[-1], history[0]  # newest first
    assert first["current_screen"] == ("home" * 30)[:40]  # cut to the field's limit
    assert first["peripherals"] == {} and first["in_service"] is True  # the invalid value left out, the rest sent
    assert later["current_screen"] == ""
    # Not mid-cycle: the nudges above may have started one more (its follow-up fetches take a moment).
    watcher.wait_state("online")


@pytest.mark.server_settings(public_url="https://kiosk.example.org")
def test_the_servers_public_address_else_its_own_is_where_the_kiosks_qr_codes_send_phones(live_server, enrolled, make_engine,
                                                                            data_dir):
    engine, watcher = make_engine(None)
    status = watcher.wait_status(lambda s: s.public_url, "the server's public address")
    assert status.public_url == "https://kiosk.example.org" and status.server_url == live_server.url
    host = SimpleNamespace(sync_status=status, data_dir=data_dir)
    assert phone_base(host) == "https://kiosk.example.org"
    assert phone_base(host, "https://status.example.org") == "https://status.example.org"  # the terminal's setting
    # A server without PUBLIC_URL: the address the kiosk reaches it at.
    assert phone_base(SimpleNamespace(sync_status=replace(status, public_url=""), data_dir=data_dir)) == live_server.url
    engine.stop(timeout=30)
    restarted, _ = make_engine(None, start=False)  # remembered across a restart, before any heartbeat
    assert restarted.status().public_url == "https://kiosk.example.org"

