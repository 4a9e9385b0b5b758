"""The volunteer scenario: the real kiosk, its simulated scanner (a real pty) and a real server on loopback.

Tickets come in KIOSK_TEST_TICKETS (JSON): "out" checked in 40 minutes ago at another terminal, "in" not yet.
"""

from __future__ import annotations

from checkin_scenarios import _scan, _tickets, _write_to_scanner


def _volunteer_event_ready(app) -> bool:
    status = app.sync_status
    return (status is not None and status.state == "online" and hasattr(app, "checkin")
            and any(event.volunteer for event in app.checkin.desk.events()))


def _tile_rects(driver) -> list[list[float]]:
    tiles = driver.widgets(lambda w: type(w).__name__ in ("Tile", "GridTile") and getattr(w, "module", None))
    return [[*tile.to_window(*tile.pos), *tile.size] for tile in tiles]


def volunteer_checks_out_and_sees_their_hours(driver):
    """Home with every tile; a volunteer checks in, another checks out (their service time on the verdict) and
    scans again (already out); the volunteer screen shows the board, and the second volunteer's hours by ticket."""
    app, results, tickets = driver.app, driver.results, _tickets()
    yield from driver.until(lambda: _volunteer_event_ready(app), 90)
    results["ready"] = _volunteer_event_ready(app)
    yield from driver.settled()
    results["tiles"] = _tile_rects(driver)
    results["target"] = app.theme.target
    scans: list = []
    yield from _scan(driver, tickets["in"], scans)
    yield from _scan(driver, tickets["out"], scans)
    yield 2.6  # past the scanner's repeat window: the same ticket again is a new scan
    yield from _scan(driver, tickets["out"], scans)
    results["scans"] = scans  # decided online: the server has them (the outbox copies are duplicates)

    app.go_home()
    yield from driver.settled()
    driver.tap(driver.tile("志愿服务"))
    yield from driver.until(lambda: app.screens["volunteers"].totals, 30)
    screen = app.screens["volunteers"]
    results["board"] = {"screen": app.current_screen, "totals": list(screen.totals), "status": screen.status_text,
                        "activities": [row[0] for row in screen.activities],
                        "qr": [row[3] is not None for row in screen.activities], "teams": [row[0] for row in screen.teams]}
    driver.tap(driver.button("刷票查询我的服务时长"))
    yield from driver.until(lambda: screen.lookup_phase == "waiting", 10)
    _write_to_scanner(app, tickets["out"])
    yield from driver.until(lambda: screen.lookup_phase == "shown", 30)
    results["lookup"] = {"lines": list(screen.lookup_lines), "screen": app.current_screen}
    driver.tap(driver.button("关闭"))
    yield from driver.settled()
    results["lookup_after_close"] = screen.lookup_phase
