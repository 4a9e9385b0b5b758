"""Feedback end to end: an enrolled kiosk, the server stopped, a repair report typed in pinyin on the
on-screen keyboard and submitted offline; the server started again and the kiosk syncs. The scenario asks
test_gui_feedback_e2e.py to stop and start the server (files in KIOSK_TEST_CONTROL_DIR, as the check-in
scenarios do) and records what the receipt showed; the test checks the inbox and the status page."""

from __future__ import annotations

from checkin_scenarios import _ask_server
from keyboard_steps import DICTIONARY_SECONDS, type_words


def _online(app) -> bool:
    return app.sync_status is not None and app.sync_status.state == "online"


def _outbox_empty(app) -> bool:
    app.sync.engine.sync_now()
    return app.sync.engine.status().outbox_depth == 0


def feedback_e2e_repair_submitted_offline_then_synced(driver):
    """Online first; the server stops; 意见反馈 -> 报修 -> 停水维修 in pinyin -> no phone -> 提交 -> receipt;
    the server starts again and the outbox drains."""
    app, results = driver.app, driver.results
    yield from driver.until(lambda: _online(app) and app.input_method is not None, DICTIONARY_SECONDS)
    results["online_before"] = _online(app)
    yield from _ask_server("stop")

    driver.tap(driver.tile("意见反馈"))
    yield from driver.settled()
    driver.tap(driver.tile("报修"))
    yield from driver.settled()
    results["after_category"] = app.current_screen
    yield from type_words(driver, ("tingshui", "停水"), ("weixiu", "维修"))
    results["typed"] = app.screens["feedback_text"].text
    driver.tap(driver.button("下一步"))
    yield from driver.settled()
    driver.tap(driver.button("跳过"))
    yield from driver.settled()
    results["after_phone"] = app.current_screen
    driver.tap(driver.button("提交"))
    yield from driver.until(lambda: app.current_screen == "feedback_receipt", 30)
    yield from driver.settled()
    receipt = app.screens["feedback_receipt"]
    results["after_send"] = app.current_screen
    results["tracking_number"] = receipt.tracking_number
    results["check_code"] = receipt.check_code
    results["status_url"] = receipt.status_url
    results["receipt_texts"] = driver.texts()
    results["outbox_while_offline"] = app.sync.engine.status().outbox_depth

    yield from _ask_server("start")
    yield from driver.until(lambda: _outbox_empty(app), 120)
    results["outbox_after"] = app.sync.engine.status().outbox_depth
    driver.tap(driver.button("完成"))
    yield from driver.settled()
    results["after_done"] = app.current_screen
