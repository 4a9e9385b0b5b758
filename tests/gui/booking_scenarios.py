"""Space booking scenario: the real kiosk books on the real server through its screens (the grid, the form with
the keyboard and the digit pad, the pass), then the pass and hostile codes are written into the simulated scanner
(a real pty) and the verdicts recorded. test_gui_booking.py asserts on them and on what the server stored."""

from __future__ import annotations

import time
from datetime import datetime

from checkin_scenarios import _write_to_scanner  # tests/gui is on the path of the kiosk process (harness.py)

from common import booking_pass, tickets


def _scan(driver, text: str, into: list):
    app = driver.app
    shown = app.checkin.verdicts_shown
    _write_to_scanner(app, text)
    yield from driver.until(lambda: app.checkin.verdicts_shown > shown, 30)
    yield 0.3
    screen = app.screens["checkin"]
    into.append({"kind": screen.verdict_kind if app.checkin.verdicts_shown > shown else "",
                 "lines": list(screen.verdict_lines),
                 "headline_visible": app.tr._(screen.verdict_headline) in driver.texts()})


def booking_book_and_check_in(driver):
    app, results = driver.app, driver.results
    began = time.monotonic()
    results["seconds"] = seconds = {}
    yield from driver.until(lambda: app.sync_status is not None and app.sync_status.state == "online"
                            and hasattr(app, "checkin") and app.checkin.scanner_state == "ready", 90)
    seconds["online"] = time.monotonic() - began
    driver.tap(driver.tile("空间预约"))
    grid = app.screens["booking"]
    yield from driver.until(lambda: grid.phase == "grid", 60)
    yield from driver.settled()
    seconds["grid"] = time.monotonic() - began
    results["grid_texts"] = driver.texts()
    free = driver.widgets(lambda w: type(w).__name__ == "SlotCell" and w.state_name == "free")
    results["free_cells"] = len(free)
    # The earliest free slot: it can be checked in now (the test's space opens check-in hours early).
    earliest = min(free, key=lambda cell: datetime.fromisoformat(cell.slot_key))
    scroller = earliest.parent
    while scroller is not None and type(scroller).__name__ != "ScrollView":
        scroller = scroller.parent
    if scroller is not None:  # later in the day it is further down the grid: scrolled to, as a visitor would
        scroller.scroll_to(earliest, animate=False)
        yield from driver.settled()
    driver.tap(earliest)
    yield from driver.until(lambda: app.current_screen == "booking_form", 30)  # a busy machine slides slowly
    yield from driver.settled()
    form = app.screens["booking_form"]
    results["form_screen"] = app.current_screen
    # Nothing entered: the kiosk says what is missing before asking the server.
    driver.tap(driver.button("预约"))
    yield 0.3
    results["empty_error"] = app.tr._(form.error)
    keyboard = form.ids.keyboard
    keyboard.toggle_chinese()  # English letters: the name typed key by key, as a visitor would
    for letter in "Li Lei":
        keyboard.space() if letter == " " else keyboard.type_letter(letter)
    driver.tap(form.ids.phone_field)
    yield 0.3
    for digit in "1380013":  # too short: refused on the kiosk
        driver.tap(driver.button(digit))
    driver.tap(driver.button("预约"))
    yield 0.3
    results["short_phone_error"] = app.tr._(form.error)
    for digit in "8000":
        driver.tap(driver.button(digit))
    results["typed"] = (form.name_value, form.phone)
    driver.tap(driver.button("预约"))
    yield from driver.until(lambda: app.current_screen == "booking_pass", 60)
    yield from driver.settled()
    seconds["booked"] = time.monotonic() - began
    pass_screen = app.screens["booking_pass"]
    results["pass_texts"] = driver.texts()
    results["pass_text"] = pass_screen.pass_text
    results["qr_shown"] = pass_screen.qr_texture is not None
    read = booking_pass.read(pass_screen.pass_text)
    forged = booking_pass.issue(tickets.SigningKey.generate(read.key_id), read.space_id, read.booking_id)
    scans: list = []
    for number, text in enumerate((pass_screen.pass_text, pass_screen.pass_text, forged, "LB:" + tickets.issue(
            tickets.SigningKey.generate(1), 1, read.booking_id)[3:])):
        if number == 1:
            yield 2.6  # past the scanner's repeat window: the same pass again is a new scan
        yield from _scan(driver, text, scans)
    results["scans"] = scans
    seconds["scanned"] = time.monotonic() - began
