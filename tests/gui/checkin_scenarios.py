"""Event check-in scenarios: the real kiosk, its simulated scanner (a real pty the scenario writes ticket
texts to, as `echo ... > /dev/pts/N` would) and a real central server on loopback.

Tickets come in KIOSK_TEST_TICKETS (JSON). The scenario asks test_gui_checkin.py to stop or start the
server by creating files in KIOSK_TEST_CONTROL_DIR and waits for the answer file. What the screen showed
is recorded; the test asserts on it and on what the server stored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def _tickets() -> dict:
    return json.loads(os.environ["KIOSK_TEST_TICKETS"])


def _write_to_scanner(app, text: str) -> None:
    fd = os.open(app.checkin.describe_scanner(), os.O_WRONLY | os.O_NOCTTY)
    try:
        os.write(fd, (text + "\r\n").encode("utf-8"))
    finally:
        os.close(fd)


def _scan(driver, text: str, into: list):
    """Write ``text`` to the scanner and record the verdict it brings to the screen."""
    app = driver.app
    shown = app.checkin.verdicts_shown
    _write_to_scanner(app, text)
    yield from driver.until(lambda: app.checkin.verdicts_shown > shown, 60)
    yield 0.3
    screen = app.screens["checkin"]
    kind, result = app.checkin._last_verdict or ("", None)
    headline = app.tr._(screen.verdict_headline)
    into.append({
        "kind": screen.verdict_kind if app.checkin.verdicts_shown > shown else "",
        "mode": getattr(result, "mode", None),
        "screen": app.current_screen,
        "phase": screen.phase,
        "lines": list(screen.verdict_lines),
        "headline_visible": headline in driver.texts(),
        # Verdict lines alive anywhere: the last verdict's, not every one shown so far (each holds a texture).
        "lines_alive": _alive("VerdictLine"),
    })


def _alive(class_name: str) -> int:
    import gc

    gc.collect()
    return sum(1 for item in gc.get_objects() if type(item).__name__ == class_name)


def _ready(app) -> bool:
    status = app.sync_status
    return (status is not None and status.state == "online" and hasattr(app, "checkin")
            and bool(app.checkin.desk.events()))


def _ask_server(action: str):
    """Have the test stop or start the server; wait until it says it has."""
    control = Path(os.environ["KIOSK_TEST_CONTROL_DIR"])
    (control / action).touch()
    from harness import Driver

    yield from Driver.until(lambda: (control / f"{action}-done").exists(), 90)


def _outbox_empty(app):
    app.sync.engine.sync_now()
    return app.sync.engine.status().outbox_depth == 0


def checkin_scans_from_any_screen_online(driver):
    """On the guide screen a ticket is scanned: the kiosk jumps to its verdict. Then garbage, a forged
    ticket, another good one and the first again, each with its own verdict."""
    app, results, tickets = driver.app, driver.results, _tickets()
    yield from driver.until(lambda: _ready(app), 90)
    results["ready"] = _ready(app)
    driver.tap(driver.tile("政务服务指南"))
    yield from driver.settled()
    results["screen_before"] = app.current_screen
    scans: list = []
    yield from _scan(driver, tickets["first"], scans)
    screen = app.screens["checkin"]
    yield from driver.until(lambda: screen.phase == "waiting", 30)
    results["phase_after_verdict"] = screen.phase
    for text in ("hello, this is not a ticket", tickets["forged"], tickets["second"], tickets["first"]):
        yield from _scan(driver, text, scans)
    results["scans"] = scans
    yield from driver.until(lambda: _outbox_empty(app), 90)
    results["outbox_after"] = app.sync.engine.status().outbox_depth


def checkin_offline_then_synced_once(driver):
    """The server stops: a ticket is still welcomed (decided offline) and kept in the outbox; once the
    server is back, the check-in reaches it."""
    app, results, tickets = driver.app, driver.results, _tickets()
    yield from driver.until(lambda: _ready(app), 90)
    driver.tap(driver.tile("活动签到"))
    yield from driver.settled()
    results["screen"] = app.current_screen
    results["waiting_texts"] = driver.texts()
    yield from _ask_server("stop")
    scans: list = []
    yield from _scan(driver, tickets["third"], scans)
    results["outbox_while_offline"] = app.sync.engine.status().outbox_depth
    yield from _ask_server("start")
    yield from driver.until(lambda: _outbox_empty(app), 120)
    results["outbox_after"] = app.sync.engine.status().outbox_depth
    results["scans"] = scans


def _state(app) -> str:
    return app.sync_status.state if app.sync_status else ""


def checkin_enrolment_qr_enrols_a_waiting_kiosk(driver):
    """A kiosk waiting for enrolment (its pairing code on screen) scans the console's enrolment QR and
    starts talking to the server as the terminal the administrator created."""
    app, results = driver.app, driver.results
    yield from driver.until(lambda: _state(app) == "pairing" and hasattr(app, "checkin")
                            and bool(app.checkin.describe_scanner()), 90)
    results["state_before"] = _state(app)
    results["notice_before"] = app.notice_title
    shown = app.checkin.verdicts_shown
    _write_to_scanner(app, os.environ["KIOSK_TEST_ENROLMENT_QR"])
    yield from driver.until(lambda: app.checkin.verdicts_shown > shown, 60)
    results["verdict"] = app.screens["checkin"].verdict_kind
    yield from driver.until(lambda: _state(app) == "online", 90)
    yield from driver.until(lambda: app.kiosk_settings.terminal.name == os.environ["KIOSK_TEST_TERMINAL_NAME"], 60)
    results["state_after"] = _state(app)
    results["notice_after"] = app.notice_title
    results["terminal_name"] = app.kiosk_settings.terminal.name
    results["identity_file"] = (app.data_dir / "terminal.json").exists()
