"""Micro-wishes end to end, the kiosk's side: a wish typed in pinyin at the wall's "post a wish" while the server is
down, kept in the outbox and synced when it is back; then the test publishes it in the console and the wall shows
it; the test claims and fulfils it on the phone page in a real browser, and the wall shows it fulfilled with the
team's thanks. Steps the test carries out are asked for through KIOSK_TEST_CONTROL_DIR (checkin_scenarios)."""

from __future__ import annotations

from checkin_scenarios import _ask_server
from keyboard_steps import DICTIONARY_SECONDS, send_without_phone, type_words

WISH_TITLE = "周五帮忙修自行车"  # the public wording the test publishes


def _online(app) -> bool:
    return app.sync_status is not None and app.sync_status.state == "online"


def _synced(app) -> bool:
    app.sync.engine.sync_now()
    return app.sync.engine.status().outbox_depth == 0


def _card(app, title: str) -> dict | None:
    app.sync.engine.sync_now()
    screen = app.screens["wishes"]
    return next((card for card in screen.cards if card["title"] == title), None)


def wishes_e2e_typed_offline_published_claimed_fulfilled(driver):
    app, results = driver.app, driver.results
    yield from driver.until(lambda: _online(app) and app.input_method is not None, DICTIONARY_SECONDS)
    yield from _ask_server("stop")

    driver.tap(driver.tile("微心愿墙"))
    yield from driver.settled()
    results["wall_before"] = [card["title"] for card in app.screens["wishes"].cards]
    driver.tap(driver.button("我也要许个心愿"))
    yield from driver.settled()
    results["after_post_button"] = app.current_screen
    yield from type_words(driver, ("zixingche", "自行车"), ("xiuli", "修理"))
    results["typed"] = app.screens["feedback_text"].text
    yield from send_without_phone(driver)
    results["tracking_number"] = app.screens["feedback_receipt"].tracking_number
    results["outbox_while_offline"] = app.sync.engine.status().outbox_depth

    yield from _ask_server("start")
    yield from driver.until(lambda: _synced(app), 120)
    driver.tap(driver.button("完成"))
    yield from driver.settled()

    yield from _ask_server("publish")
    driver.tap(driver.tile("微心愿墙"))
    yield from driver.until(lambda: _card(app, WISH_TITLE) is not None, 60)
    results["published_card"] = _card(app, WISH_TITLE)
    results["published_texts"] = driver.texts()

    yield from _ask_server("claim_and_fulfil")
    yield from driver.until(lambda: (_card(app, WISH_TITLE) or {}).get("status") == "fulfilled", 60)
    yield from driver.settled()
    results["fulfilled_card"] = _card(app, WISH_TITLE)
    results["fulfilled_texts"] = driver.texts()
