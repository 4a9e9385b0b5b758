"""Building matters end to end: a 楼事提议 typed in pinyin at the kiosk goes through the outbox; the test
(test_gui_matters.py) then raises it in the console, assigns it at a meeting and resolves it; the kiosk's 楼事楼办
board shows the resolution, and says "as of" when the connection is reported lost."""

from __future__ import annotations

from dataclasses import replace

from checkin_scenarios import _ask_server
from keyboard_steps import DICTIONARY_SECONDS, send_without_phone, type_words

RESOLUTION = "物业更换了加压泵"


def _online(app) -> bool:
    return app.sync_status is not None and app.sync_status.state == "online"


def _outbox_empty(app) -> bool:
    app.sync.engine.sync_now()
    return app.sync.engine.status().outbox_depth == 0


def _board_resolved(app) -> bool:
    app.sync.engine.sync_now()
    kept = app.matters.kept
    return kept is not None and any(RESOLUTION in matter.resolution for matter in kept.board.resolved)


def matters_proposal_to_the_board(driver):
    """意见反馈 -> 楼事提议 -> 停水 in pinyin -> 跳过 -> 提交; the outbox drains; the console handles it (the test side);
    楼事楼办 shows it resolved; a lost connection (the engine's state, as its next failed heartbeat reports it)
    adds "as of". The server is never stopped: starting it again costs more than the whole flow."""
    app, results = driver.app, driver.results
    yield from driver.until(lambda: _online(app) and app.input_method is not None, DICTIONARY_SECONDS)
    results["tiles"] = driver.texts()
    driver.tap(driver.tile("意见反馈"))
    yield from driver.settled()
    driver.tap(driver.tile("楼事提议"))
    yield from driver.settled()
    results["after_category"] = app.current_screen
    yield from type_words(driver, ("tingshui", "停水"))
    results["typed"] = app.screens["feedback_text"].text
    yield from send_without_phone(driver)
    # In the outbox before the receipt showed (services/feedback); sent from there by the sync engine.
    results["tracking_number"] = app.screens["feedback_receipt"].tracking_number
    yield from driver.until(lambda: _outbox_empty(app), 120)
    driver.tap(driver.button("完成"))
    yield from driver.settled()

    yield from _ask_server("resolve")  # the test raises, assigns and resolves it in the console
    yield from driver.until(lambda: _board_resolved(app), 120)
    driver.tap(driver.tile("楼事楼办"))
    yield from driver.settled()
    results["board_screen"] = app.current_screen
    results["board_texts"] = driver.texts()
    app.show_sync_status(replace(app.sync_status, state="offline"))
    results["offline_as_of"] = app.screens["matters"].as_of
