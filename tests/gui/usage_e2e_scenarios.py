"""Usage end to end: an enrolled kiosk, one visit driven through the window and synced, then a query that found
nothing made an alias from the console (by the test) and searched again on the kiosk.

The visit: the guide, "pets" typed on the on-screen keyboard (no result), a phone number as a query (no result),
cleared, "sbk" typed, the first result opened, its guide printed; the visitor walks away: the idle warning counts
down and the session is wiped (the visit ends "finished": the last thing done was printing). One visit, not
several: each ends only after the idle timeout, and the suite's time is short. The scenario asks the test (files
in KIOSK_TEST_CONTROL_DIR) to add "pets" as an alias once the visit is synced."""

from __future__ import annotations

from checkin_scenarios import _ask_server, _outbox_empty

MISSED = "pets"
PHONE = "13800138000"


def _online_and_indexed(app) -> bool:
    return (app.sync_status is not None and app.sync_status.state == "online" and app.guide.search_index is not None
            and "search" in app.screens)


def _type(driver, letters: str):
    for letter in letters:
        driver.tap(driver.button(letter))
        yield 0.05
    yield 0.3


def _to_search(driver):
    driver.tap(driver.tile("政务服务指南"))
    yield from driver.settled()
    driver.tap(driver.find(lambda w: type(w).__name__ == "SearchField", "search field"))
    yield from driver.settled()


def usage_visits_synced_then_an_alias_found(driver):
    app, results = driver.app, driver.results
    yield from driver.until(lambda: _online_and_indexed(app), 300)
    idle = app.kiosk_settings.idle
    results["idle"] = [idle.timeout_seconds, idle.warning_seconds]

    yield from _to_search(driver)
    yield from _type(driver, MISSED)
    search = app.screens["search"]
    results["missed_rows"] = len(search.rows)
    driver.tap(driver.button(app.tr._("Clear")))
    yield 0.3
    search.query = PHONE  # as typed on the keyboard's digit page: the same screen property the keys set
    yield 0.3
    results["phone_rows"] = len(search.rows)
    driver.tap(driver.button(app.tr._("Clear")))
    yield 0.3
    yield from _type(driver, "sbk")
    first = search.rows[0]["code"]
    results["opened"] = first
    driver.tap(driver.find(lambda w: type(w).__name__ == "ServiceRow" and w.code == first, f"result row {first}"))
    yield from driver.settled()
    driver.tap(driver.button("打印办事指南"))
    yield 1.5
    results["active_before_idle"] = app.usage.active
    yield from driver.until(lambda: app._idle_warning is not None, idle.timeout_seconds + 10)
    results["warning_shown"] = app._idle_warning is not None
    yield from driver.until(lambda: app.current_screen == "home" and app._idle_warning is None, idle.warning_seconds + 10)
    yield 1
    results["visit_ended"] = not app.usage.active
    yield from driver.until(lambda: _outbox_empty(app), 60)
    results["outbox_after"] = app.sync.engine.status().outbox_depth

    # The operator adds the missed query as an alias; the next catalogue reaches the kiosk and the search finds it.
    yield from _ask_server("alias")
    yield from driver.until(lambda: any(MISSED in s.aliases for s in app.catalogue.services), 90)
    yield from driver.until(lambda: app.guide.search_index is not None, 60)
    results["catalogue_has_alias"] = any(MISSED in s.aliases for s in app.catalogue.services)
    yield from _to_search(driver)
    yield from _type(driver, MISSED)
    results["after_alias_rows"] = [row["code"] for row in search.rows]
