"""Remote commands through the real server: to the UI and back, screenshots, and the engine's own commands."""

from __future__ import annotations

import io

from PIL import Image

from services.sync.engine import CommandReceived
from tests.sync.conftest import admin_json, wait_for


def _queue(server, terminal_id: int, kind: str, **args) -> int:
    return admin_json(server, "POST", f"/admin/terminals/{terminal_id}/commands", json={"kind": kind, "args": args})["id"]


def _finished(server, terminal_id: int, command_id: int, engine) -> dict:
    def finished():
        commands = admin_json(server, "GET", f"/admin/terminals/{terminal_id}/commands")
        return next((c for c in commands if c["id"] == command_id and c["status"] in ("done", "failed")), None)

    return wait_for(finished, f"command {command_id} to finish", nudge=engine.sync_now)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (108, 192), (200, 30, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_command_for_the_screen_goes_to_the_ui_and_its_outcome_back(live_server, enrolled, make_engine):
    engine, watcher = make_engine(None)
    watcher.wait_state("online")
    command_id = _queue(live_server, enrolled.terminal_id, "show_message", text={"zh": "今天提前闭馆", "en": "Closing early"},
                        seconds=60)
    received = watcher.wait(CommandReceived, "the command").command
    assert (received.id, received.kind, received.args["text"]["en"], received.args["seconds"]) == (
        command_id, "show_message", "Closing early", 60)

    engine.report_command(command_id, True, "shown for 60 s")
    done = _finished(live_server, enrolled.terminal_id, command_id, engine)
    assert (done["status"], done["result"]) == ("done", "shown for 60 s")
    last = wait_for(lambda: admin_json(live_server, "GET",
                                       f"/admin/terminals/{enrolled.terminal_id}/heartbeats?limit=1")[0]["last_command"],
                    "the outcome in a heartbeat", nudge=engine.sync_now)
    assert last == {"command_id": command_id, "ok": True, "detail": "shown for 60 s"}
    assert [e.command.id for e in watcher.of(CommandReceived)] == [command_id]  # delivered once


def test_a_screenshot_travels_to_the_server(live_server, enrolled, make_engine):
    engine, watcher = make_engine(None)
    command_id = _queue(live_server, enrolled.terminal_id, "screenshot")
    assert watcher.wait(CommandReceived, "the command").command.kind == "screenshot"
    png = _png()
    engine.upload_screenshot(command_id, png)
    engine.report_command(command_id, True, "108x192")
    done = _finished(live_server, enrolled.terminal_id, command_id, engine)
    assert done["status"] == "done" and done["has_screenshot"]
    reply = live_server.admin("GET", f"/admin/commands/{command_id}/screenshot")
    assert reply.headers["Content-Type"] == "image/png" and reply.content == png


def test_not_a_png_is_never_queued(live_server, enrolled, make_engine, store):
    engine, watcher = make_engine(None)
    command_id = _queue(live_server, enrolled.terminal_id, "screenshot")
    watcher.wait(CommandReceived, "the command")
    engine.upload_screenshot(command_id, b"GIF89a not a png")
    engine.report_command(command_id, False, "no screenshot")
    done = _finished(live_server, enrolled.terminal_id, command_id, engine)
    assert (done["status"], done["has_screenshot"]) == ("failed", False)


def test_the_engine_answers_sync_now_and_reload_config_itself(live_server, enrolled, make_engine):
    engine, watcher = make_engine(None)
    watcher.wait_state("online")
    sync_id = _queue(live_server, enrolled.terminal_id, "sync_now")
    reload_id = _queue(live_server, enrolled.terminal_id, "reload_config")
    assert _finished(live_server, enrolled.terminal_id, sync_id, engine)["status"] == "done"
    assert _finished(live_server, enrolled.terminal_id, reload_id, engine)["status"] == "done"
    assert watcher.of(CommandReceived) == []


def test_an_outcome_the_server_refuses_does_not_block_the_ones_behind_it(live_server, enrolled, make_engine):
    engine, watcher = make_engine(None)
    watcher.wait_state("online")
    engine.report_command(987654, True, "no such command")  # 404: dropped with a warning
    command_id = _queue(live_server, enrolled.terminal_id, "in_service")
    watcher.wait(CommandReceived, "the command")
    engine.report_command(command_id, True, "in service")
    assert _finished(live_server, enrolled.terminal_id, command_id, engine)["status"] == "done"


def test_an_outcome_reported_while_offline_arrives_after_a_restart(live_server, enrolled, make_engine):
    engine, watcher = make_engine(None)
    command_id = _queue(live_server, enrolled.terminal_id, "out_of_service")
    watcher.wait(CommandReceived, "the command")
    live_server.stop()
    watcher.wait_state("offline", nudge=True)
    engine.report_command(command_id, True, "out of service")
    engine.stop()
    live_server.start()
    restarted, _ = make_engine(None)  # the outcome waited in the store
    done = _finished(live_server, enrolled.terminal_id, command_id, restarted)
    assert (done["status"], done["result"]) == ("done", "out of service")


def test_a_command_reaches_a_waiting_terminal_long_before_its_next_heartbeat(live_server, enrolled, make_engine):
    admin_json(live_server, "PUT", "/admin/config/defaults", json={"settings": {"sync": {"heartbeat_seconds": 3600}}})
    engine, watcher = make_engine(None)
    watcher.wait_state("online")  # the next heartbeat is an hour away: only the long poll brings the command
    command_id = _queue(live_server, enrolled.terminal_id, "show_message", text={"zh": "请稍候", "en": "Please wait"},
                        seconds=30)
    assert watcher.wait(CommandReceived, "the command, pushed").command.id == command_id
def test_recent_logs_travel_to_the_server_at_the_level_in_force(live_server, enrolled, make_engine):
    import logging

    from common.wire import MAX_LOG_UPLOAD_BYTES, UploadLogsArgs
    from services.diagnostics.log_ring import LogRing

    ring = LogRing(capacity=100)
    logger = logging.getLogger("tests.upload_logs")
    logger.addHandler(ring)
    logger.setLevel(logging.INFO)
    try:
        for number in range(150):
            logger.info("scan %d <b>refused</b>", number)
        logger.debug("not at this level")
        logger.setLevel(logging.DEBUG)  # what the raised level does, until it lapses
        logger.debug("after raising the level")
    finally:
        logger.removeHandler(ring)
    engine, watcher = make_engine(None)
    command_id = _queue(live_server, enrolled.terminal_id, "upload_logs", lines=60)
    command = watcher.wait(CommandReceived, "the command").command
    text = ring.recent(UploadLogsArgs.model_validate(command.args).lines, MAX_LOG_UPLOAD_BYTES)
    engine.upload_logs(command_id, text)  # as kiosk/sync/bridge.py does
    engine.report_command(command_id, True, "60 lines")
    assert _finished(live_server, enrolled.terminal_id, command_id, engine)["status"] == "done"
    uploaded = live_server.admin("GET", f"/admin/commands/{command_id}/logs").text.splitlines()
    assert len(uploaded) == 60 and "scan 149 <b>refused</b>" in uploaded[-2] and "after raising" in uploaded[-1]
    assert not any("not at this level" in line for line in uploaded)
    assert len(ring.recent(5000, 1000).encode()) <= 1000  # the size cap drops the oldest lines
    refused = live_server.admin("POST", f"/admin/terminals/{enrolled.terminal_id}/commands",
                                json={"kind": "upload_logs", "args": {"lines": 0}})
    assert refused.status_code == 422
