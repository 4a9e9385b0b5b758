"""Feedback in the real kiosk window under Xvfb: a negative service rating with its reason typed in pinyin,
and the idle timeout wiping a half-written draft."""

from __future__ import annotations

import re
from datetime import date

import pytest

from common.feedback_rules import add_working_days
from common.wire import FEEDBACK_TRACKING_PATTERN, FeedbackRecord

pytestmark = pytest.mark.gui


def test_a_negative_rating_with_a_reason_typed_in_pinyin_is_queued_once_and_receipted(run_scenario):
    seen = run_scenario("feedback_negative_rating_with_a_typed_reason")
    assert seen["after_tile"] == "feedback_category"
    assert seen["categories"] == ["报修", "楼宇秩序与环境", "政务服务评价", "活动建议", "微心愿", "楼事提议", "其他"]
    assert seen["after_category"] == "feedback_rating"
    assert seen["face_words"] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert seen["next_without_rating"] is False
    assert seen["chosen_shown"] is True
    assert seen["after_rating"] == "feedback_text"
    assert seen["heading"], "the text step asks what went wrong"
    assert seen["empty_reason_error"] and seen["still_on_text"] == "feedback_text"
    assert seen["typed"] == "排队太慢"
    assert seen["after_text"] == "feedback_phone"
    assert seen["after_phone"] == "feedback_review"
    assert "排队太慢" in seen["review_texts"] and "不满意" in seen["review_texts"]
    assert seen["queued_before_send"] == 0

    assert seen["after_send"] == "feedback_receipt"
    assert re.match(FEEDBACK_TRACKING_PATTERN, seen["tracking_number"])
    assert re.fullmatch(r"[0-9]{6}", seen["check_code"])
    assert seen["tracking_number"] in seen["receipt_texts"]
    # Standalone (no server, no status_url_base): no QR to a page that does not exist.
    assert seen["qr_shown"] is False
    (record,) = seen["queued"]
    payload = FeedbackRecord.model_validate(record)
    assert (payload.category, payload.rating, payload.reason, payload.text) == ("service_rating", 2, "排队太慢", "")
    assert (payload.tracking_number, payload.check_code) == (seen["tracking_number"], seen["check_code"])
    assert payload.suppressed is None and payload.phone is None and payload.locale == "zh_CN"
    due = add_working_days(payload.submitted_at.astimezone().date(), 5)
    assert payload.followup_due == due == date(*seen["followup_due"])
    assert seen["text_after_send"] == ""
    assert seen["draft_after_send"]["category"] == "" and seen["draft_after_send"]["reason"] == ""

    assert seen["tracking_number"] in seen["printed"] and seen["check_code"] in seen["printed"]
    assert "排队太慢" not in seen["printed"], "what the visitor wrote is not printed on a slip left at the printer"
    assert seen["after_done"] == "home"
