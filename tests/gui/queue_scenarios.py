"""Queue numbers end to end on the real kiosk: the 取号 tile, a window, a service, a mobile number on the digit pad,
the number; the call made in a browser reaches the kiosk within a poll and is spoken; once served, the slip's QR
scanned through the simulated scanner (a real pty) opens the rating, and 满意 is sent.

The scenario asks test_gui_queue_e2e.py to act in the browser by creating files in KIOSK_TEST_CONTROL_DIR
(``call``, ``serve``) and waits for the answer file, as the check-in scenarios do for the server."""

from __future__ import annotations

import os
from pathlib import Path

from checkin_scenarios import _ask_server, _write_to_scanner


def _ready(app) -> bool:
    status = app.sync_status
    return status is not None and status.state == "online" and hasattr(app, "queue") and hasattr(app, "checkin")


def _row(driver, text: str):
    return driver.find(lambda w: type(w).__name__ == "QueueRow" and text in w.title, f"row {text!r}")


def queue_number_taken_called_served_and_rated(driver):
    from services.devices.speech import EspeakSpeaker

    app, results = driver.app, driver.results
    control = Path(os.environ["KIOSK_TEST_CONTROL_DIR"])
    yield from driver.until(lambda: _ready(app), 90)
    # No sound card under Xvfb: the real engine, behind a player that keeps each WAV it is given.
    app.speaker = EspeakSpeaker(player=os.environ["KIOSK_TEST_SPEECH_PLAYER"])

    driver.tap(driver.tile("取号"))
    yield from driver.until(lambda: app.screens["queue_pick"].phase == "windows", 30)
    yield from driver.settled()
    results["windows_shown"] = [row["title"] for row in app.screens["queue_pick"].window_rows]
    driver.tap(_row(driver, "3号窗口"))
    yield from driver.settled()
    driver.tap(_row(driver, "社会保障卡申领"))
    yield from driver.settled()
    results["after_service"] = app.current_screen
    for digit in "13800138000":
        driver.tap(driver.button(digit))
    results["phone_shown"] = app.screens["queue_phone"].phone
    driver.tap(driver.button("取号"))
    yield from driver.until(lambda: app.screens["queue_ticket"].phase == "number", 30)
    yield from driver.settled()
    ticket = app.screens["queue_ticket"]
    results.update(number=ticket.number, people_ahead=ticket.people_ahead, wait_minutes=ticket.wait_minutes,
                   ticket_texts=driver.texts(), follow_url=app.queue.issued.follow_url,
                   qr_shown=ticket.qr_texture is not None)
    (control / "number").write_text(ticket.number, encoding="utf-8")

    heard = app.queue.calls_heard
    yield from _ask_server("call")
    yield from driver.until(lambda: app.queue.calls_heard > heard, 30)
    results["call_banner"] = ticket.latest_call
    results["call_banner_visible"] = ticket.latest_call in driver.texts()
    yield from _ask_server("serve")
    driver.tap(driver.button("完成"))
    yield from driver.settled()
    results["after_done"] = app.current_screen

    _write_to_scanner(app, app.queue.issued.follow_url)
    yield from driver.until(lambda: app.screens["queue_rate"].phase == "rate", 30)
    yield from driver.settled()
    results["after_scan"] = app.current_screen
    driver.tap(driver.button("满意"))
    yield from driver.until(lambda: app.screens["queue_rate"].phase == "rated", 30)
    results["rated_texts"] = driver.texts()
    yield 2  # the thanks is being said
