"""GUI scenarios for feedback: the real kiosk window, touched like a visitor would, the reason typed in
pinyin on the on-screen keyboard. They record what they see; test_gui_feedback.py asserts on it."""

from __future__ import annotations

from keyboard_steps import DICTIONARY_SECONDS, type_words


def _rating(driver, rating):
    return driver.find(lambda w: type(w).__name__ == "RatingButton" and w.rating == rating, f"face {rating}")


def _queued_feedback(app) -> list[dict]:
    from services.storage.outbox import Outbox

    return [r.payload for r in Outbox(app.store).next_batch(100) if r.kind == "feedback"]


def feedback_negative_rating_with_a_typed_reason(driver):
    """Home -> 意见反馈 -> 政务服务评价 -> 不满意 -> reason in pinyin -> no phone -> send -> receipt -> print."""
    app, results = driver.app, driver.results
    yield from driver.until(lambda: app.input_method is not None, DICTIONARY_SECONDS)
    driver.tap(driver.tile("意见反馈"))
    yield from driver.settled()
    results["after_tile"] = app.current_screen
    results["categories"] = [w.title for w in driver.widgets(lambda w: type(w).__name__ == "GridTile")]
    driver.tap(driver.tile("政务服务评价"))
    yield from driver.settled()
    results["after_category"] = app.current_screen
    results["face_words"] = [t for t in driver.texts() if t in ("非常满意", "满意", "基本满意", "不满意", "非常不满意")]
    # Nothing chosen yet: the way on is disabled (the driver sees only enabled widgets).
    results["next_without_rating"] = bool(driver.widgets(lambda w: getattr(w, "label", None) == "下一步"))
    driver.tap(_rating(driver, 2))
    yield 0.2
    results["chosen_shown"] = any("已选" in t for t in driver.texts())
    driver.tap(driver.button("下一步"))
    yield from driver.settled()
    results["after_rating"] = app.current_screen
    results["heading"] = [t for t in driver.texts() if "不满意" in t]

    # An empty reason is refused with words on screen.
    driver.tap(driver.button("下一步"))
    yield 0.3
    results["empty_reason_error"] = app.screens["feedback_text"].error
    results["still_on_text"] = app.current_screen

    yield from type_words(driver, ("paidui", "排队"), ("taiman", "太慢"))
    results["typed"] = app.screens["feedback_text"].text
    driver.tap(driver.button("下一步"))
    yield from driver.settled()
    results["after_text"] = app.current_screen
    driver.tap(driver.button("跳过"))
    yield from driver.settled()
    results["after_phone"] = app.current_screen
    results["review_texts"] = driver.texts()
    results["queued_before_send"] = len(_queued_feedback(app))
    driver.tap(driver.button("提交"))
    yield from driver.until(lambda: app.current_screen == "feedback_receipt", 30)
    yield from driver.settled()
    receipt = app.screens["feedback_receipt"]
    results["after_send"] = app.current_screen
    results["tracking_number"] = receipt.tracking_number
    results["check_code"] = receipt.check_code
    results["followup_due"] = list(receipt.followup_due)
    results["receipt_texts"] = driver.texts()
    results["qr_shown"] = receipt.qr_texture is not None
    results["queued"] = _queued_feedback(app)
    # Nothing of what was typed stays behind on the input screens.
    results["text_after_send"] = app.screens["feedback_text"].text
    results["draft_after_send"] = vars(app.feedback.draft)

    driver.tap(driver.button("打印回执"))
    yield from driver.until(lambda: not app.printing, 30)
    yield 0.5
    printed = app.data_dir / app.kiosk_settings.printer.simulator_file
    results["printed"] = printed.read_text(encoding="utf-8") if printed.exists() else ""
    driver.tap(driver.button("完成"))
    yield from driver.settled()
    results["after_done"] = app.current_screen
