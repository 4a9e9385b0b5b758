"""Heartbeats over real HTTP: status and history, jittered polling, online/offline and outages without a job."""

from __future__ import annotations

from datetime import timedelta

from tests.server.calls import enrolled_terminal, parse_time, wait_for

DEFAULT_INTERVAL = 30  # SyncSettings.heartbeat_seconds when no layer sets it


def test_a_heartbeat_records_status_and_history(live_server):
    terminal = enrolled_terminal(live_server)
    before = terminal.status()
    assert (before["online"], before["last_seen_at"], before["offline_since"]) == (False, None, None)

    reply = terminal.heartbeat(outbox_depth=7, parked_count=1, peripherals={"printer": "error"},
                               current_screen="guide", config_version=0, config_error="idle: bad",
                               last_sync_at="2026-11-20T08:00:00", in_service=False)
    assert reply.status_code == 200
    body = reply.json()
    assert 0.9 * DEFAULT_INTERVAL <= body["next_poll_seconds"] <= 1.1 * DEFAULT_INTERVAL
    assert body["commands_pending"] == 0

    status = terminal.status()
    assert status["online"] and status["offline_since"] is None
    assert (status["outbox_depth"], status["parked_count"], status["peripherals"]) == (7, 1, {"printer": "error"})
    assert (status["current_screen"], status["config_error"], status["in_service"]) == ("guide", "idle: bad", False)
    assert parse_time(status["last_sync_at"]) == parse_time("2026-11-20T08:00:00+00:00")  # no zone: taken as UTC

    terminal.heartbeat(outbox_depth=0).raise_for_status()
    history = live_server.admin("GET", f"/admin/terminals/{terminal.id}/heartbeats", params={"limit": 5}).json()
    assert [h["outbox_depth"] for h in history] == [0, 7]  # newest first
    assert parse_time(history[0]["received_at"]) >= parse_time(history[1]["received_at"])


def test_a_bad_heartbeat_is_refused(live_server):
    terminal = enrolled_terminal(live_server)
    for body in ({"app_version": "1"}, {**_minimal(), "outbox_depth": -1}, {**_minimal(), "peripherals": {"printer": "on fire"}}):
        assert terminal.call("POST", "/terminal/heartbeat", json=body).status_code == 422, body
    assert terminal.status()["last_seen_at"] is None


def test_offline_after_one_and_a_half_intervals_and_the_outage_is_recorded(live_server):
    live_server.admin("PUT", "/admin/config/defaults", json={"settings": {"sync": {"heartbeat_seconds": 5}}}
                      ).raise_for_status()
    terminal = enrolled_terminal(live_server)
    reply = terminal.heartbeat().json()
    assert 4.5 <= reply["next_poll_seconds"] <= 5.5
    assert terminal.status()["online"]

    offline = wait_for(lambda: (s := terminal.status()) and not s["online"] and s, "the terminal to count as offline")
    went_down = parse_time(offline["last_seen_at"]) + timedelta(seconds=7.5)
    assert parse_time(offline["offline_since"]) == went_down
    ongoing = live_server.admin("GET", f"/admin/terminals/{terminal.id}/outages").json()
    assert [(parse_time(o["went_down_at"]), o["came_back_at"]) for o in ongoing] == [(went_down, None)]

    terminal.heartbeat().raise_for_status()
    back = terminal.status()
    assert back["online"]
    [outage] = live_server.admin("GET", f"/admin/terminals/{terminal.id}/outages").json()
    assert parse_time(outage["went_down_at"]) == went_down
    assert parse_time(outage["came_back_at"]) == parse_time(back["last_seen_at"])

    # Heartbeats on time record no outage.
    terminal.heartbeat().raise_for_status()
    assert len(live_server.admin("GET", f"/admin/terminals/{terminal.id}/outages").json()) == 1


def test_a_heartbeat_reports_pending_commands_and_can_carry_an_outcome(live_server):
    terminal = enrolled_terminal(live_server)
    command = live_server.admin("POST", f"/admin/terminals/{terminal.id}/commands", json={"kind": "restart"}).json()
    assert terminal.heartbeat().json()["commands_pending"] == 1
    assert [c["id"] for c in terminal.call("GET", "/terminal/commands").json()] == [command["id"]]
    assert terminal.heartbeat().json()["commands_pending"] == 0

    # A restart's outcome can only come with the next heartbeat, from the restarted kiosk.
    terminal.heartbeat(last_command={"command_id": command["id"], "ok": True, "detail": "restarted"}).raise_for_status()
    [done] = live_server.admin("GET", f"/admin/terminals/{terminal.id}/commands").json()
    assert (done["status"], done["result"]) == ("done", "restarted")


def _minimal() -> dict:
    return {"app_version": "1", "uptime_seconds": 1, "outbox_depth": 0, "free_disk_bytes": 1}
