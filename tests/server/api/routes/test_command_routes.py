"""Remote commands over real HTTP: queue, delivery once, outcome, expiry, screenshots."""

from __future__ import annotations

import io

from PIL import Image

from common.wire import MAX_SCREENSHOT_BYTES
from tests.server.calls import enrolled_terminal, wait_for


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 18), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _queue(server, terminal, **body):
    return server.admin("POST", f"/admin/terminals/{terminal.id}/commands", json=body)


def _commands(server, terminal) -> list[dict]:
    return server.admin("GET", f"/admin/terminals/{terminal.id}/commands").json()


def test_commands_are_delivered_once_oldest_first_and_their_outcome_recorded(live_server):
    terminal = enrolled_terminal(live_server)
    message = {"text": {"zh": "系统维护中", "en": "Maintenance"}, "seconds": 60}
    first = _queue(live_server, terminal, kind="show_message", args=message)
    assert first.status_code == 201
    assert (first.json()["status"], first.json()["args"]) == ("pending", message)
    second = _queue(live_server, terminal, kind="sync_now").json()

    delivered = terminal.call("GET", "/terminal/commands").json()
    assert [(c["id"], c["kind"]) for c in delivered] == [(first.json()["id"], "show_message"), (second["id"], "sync_now")]
    assert terminal.call("GET", "/terminal/commands").json() == []
    assert {c["status"] for c in _commands(live_server, terminal)} == {"delivered"}

    outcome = {"command_id": second["id"], "ok": False, "detail": "server unreachable"}
    url = f"/terminal/commands/{second['id']}/result"
    assert terminal.call("POST", url, json=outcome).status_code == 204
    # A retried report changes nothing: the first outcome counts.
    assert terminal.call("POST", url, json={**outcome, "ok": True, "detail": "again"}).status_code == 204
    assert terminal.call("POST", url, json={**outcome, "command_id": first.json()["id"]}).status_code == 422
    newest = _commands(live_server, terminal)[0]
    assert (newest["id"], newest["status"], newest["result"]) == (second["id"], "failed", "server unreachable")
    assert newest["finished_at"] is not None

    actions = [e["action"] for e in live_server.admin("GET", "/admin/audit").json()]
    assert actions.count("command.create") == 2


def test_arguments_are_checked_for_their_kind(live_server):
    terminal = enrolled_terminal(live_server)
    for body in ({"kind": "show_message", "args": {"text": {"zh": "只有中文"}}},
                 {"kind": "show_message", "args": {"text": {"zh": "太短", "en": "Too short"}, "seconds": 1}},
                 {"kind": "restart", "args": {"now": True}},
                 {"kind": "format_disk"},
                 {"kind": "sync_now", "ttl_seconds": 5}):
        assert _queue(live_server, terminal, **body).status_code == 422, body
    assert _commands(live_server, terminal) == []
    assert _queue(live_server, terminal, kind="out_of_service").status_code == 201
    assert live_server.admin("POST", "/admin/terminals/999/commands", json={"kind": "sync_now"}).status_code == 404


def test_an_undelivered_command_expires(live_server):
    terminal = enrolled_terminal(live_server)
    command = _queue(live_server, terminal, kind="reload_config", ttl_seconds=10).json()
    wait_for(lambda: _commands(live_server, terminal)[0]["status"] == "expired", "the command to expire")
    assert terminal.call("GET", "/terminal/commands").json() == []
    assert terminal.heartbeat().json()["commands_pending"] == 0
    [expired] = _commands(live_server, terminal)
    assert (expired["id"], expired["status"], expired["delivered_at"]) == (command["id"], "expired", None)


def test_a_screenshot_is_uploaded_checked_and_downloaded(live_server):
    terminal = enrolled_terminal(live_server)
    command = _queue(live_server, terminal, kind="screenshot").json()
    other = _queue(live_server, terminal, kind="sync_now").json()
    terminal.call("GET", "/terminal/commands").raise_for_status()
    url = f"/terminal/commands/{command['id']}/screenshot"
    png = _png()

    def upload(body, content_type="image/png", path=url):
        return terminal.call("PUT", path, data=body, headers={"Content-Type": content_type}).status_code

    assert upload(b"GIF89a" + png[6:]) == 415
    assert upload(png, content_type="image/jpeg") == 415
    assert upload(png[:8] + b"\x00" * (MAX_SCREENSHOT_BYTES - 7)) == 413
    assert upload(png, path=f"/terminal/commands/{other['id']}/screenshot") == 409
    assert upload(png, path="/terminal/commands/999/screenshot") == 404
    assert live_server.admin("GET", f"/admin/commands/{command['id']}/screenshot").status_code == 404

    assert upload(png) == 204
    outcome = {"command_id": command["id"], "ok": True, "detail": "captured"}
    assert terminal.call("POST", f"/terminal/commands/{command['id']}/result", json=outcome).status_code == 204
    listed = {c["id"]: c for c in _commands(live_server, terminal)}
    assert listed[command["id"]]["has_screenshot"] and not listed[other["id"]]["has_screenshot"]
    download = live_server.admin("GET", f"/admin/commands/{command['id']}/screenshot")
    assert download.status_code == 200 and download.headers["Content-Type"] == "image/png"
    assert download.content == png
    assert Image.open(io.BytesIO(download.content)).size == (32, 18)
