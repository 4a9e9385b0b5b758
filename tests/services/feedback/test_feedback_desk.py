"""Feedback at the kiosk on a real SQLite store: the draft rules, tracking numbers and check codes,
working days, the anti-abuse rules on an injected clock, and nothing lost (suppressed ones queued too)."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from common.feedback_rules import (
    Draft,
    FeedbackError,
    add_working_days,
    clean_text,
    displayable,
    mask_phone,
    new_check_code,
    problems,
    status_url,
    tracking_number,
    valid_phone,
)
from common.settings import FeedbackSettings
from common.wire import FEEDBACK_TRACKING_PATTERN, FeedbackRecord, Record
from services.feedback.desk import FeedbackDesk
from services.storage.outbox import Outbox
from services.storage.store import LocalStore

SETTINGS = FeedbackSettings()


class FakeClock:
    """The anti-abuse rules' clock, moved by the test instead of waiting."""

    def __init__(self):
        self.now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def desk(store, clock):
    return FeedbackDesk(store, SETTINGS, clock=clock)


def queued(store) -> list[dict]:
    return [record.payload for record in Outbox(store).next_batch(1000) if record.kind == "feedback"]


def rows_on_disk(path) -> list[dict]:
    """The outbox as a second connection to the file sees it: only what was committed."""
    connection = sqlite3.connect(path)
    try:
        return [json.loads(row[0]) for row in connection.execute("SELECT payload FROM outbox WHERE kind = 'feedback' ORDER BY seq")]
    finally:
        connection.close()


# -- the draft's rules -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "draft, expected",
    [
        (Draft(category="repair", text="12 楼停水了"), []),
        (Draft(category="service_rating", rating=5), []),
        (Draft(category="service_rating", rating=3, text="窗口人少"), []),
        (Draft(category="service_rating", rating=2, reason="等候时间太长"), []),
        (Draft(category="service_rating", rating=1, reason="态度差", phone="13812341234", consent=True), []),
        (Draft(category="repair", text="   \n\t "), [("text", "empty")]),
        (Draft(category="repair"), [("text", "empty")]),
        (Draft(category="nope", text="x"), [("category", "unknown_category")]),
        (Draft(category="", text="x"), [("category", "unknown_category")]),
        (Draft(category="service_rating", text="没有评分"), [("rating", "rating_required")]),
        (Draft(category="repair", rating=4, text="x"), [("rating", "rating_not_asked")]),
        (Draft(category="service_rating", rating=6), [("rating", "rating_out_of_range")]),
        (Draft(category="service_rating", rating=2), [("reason", "reason_required")]),
        (Draft(category="service_rating", rating=1, reason=" \u0007 "), [("reason", "reason_required")]),
        (Draft(category="repair", text="字" * 501), [("text", "too_long")]),
        (Draft(category="service_rating", rating=1, reason="因" * 501), [("reason", "too_long")]),
        (Draft(category="repair", text="x", phone="1381234123"), [("phone", "invalid_phone")]),
        (Draft(category="repair", text="x", phone="13812341234"), [("phone", "consent_required")]),
    ],
)
def test_draft_rules(draft, expected):
    assert [(p.field, p.code) for p in problems(draft, SETTINGS)] == expected


def test_text_of_exactly_the_limit_counts_characters_not_bytes():
    assert problems(Draft(category="repair", text="水" * 500), SETTINGS) == []
    assert problems(Draft(category="repair", text="😀" * 500), SETTINGS) == []


def test_consent_can_be_switched_off_in_the_settings():
    relaxed = FeedbackSettings(require_consent_for_phone=False)
    assert problems(Draft(category="repair", text="x", phone="13812341234"), relaxed) == []


@pytest.mark.parametrize(
    "phone",
    ["12812341234", "1381234123", "138123412345", "+8613812341234", "138-1234-1234", "１３８１２３４１２３４",
     "13812341234\n", " 13812341234", "1381234123a", "'; DROP TABLE outbox;--"],
)
def test_invalid_phones_are_refused(phone):
    assert not valid_phone(phone)
    assert [p.code for p in problems(Draft(category="repair", text="x", phone=phone, consent=True), SETTINGS)] == ["invalid_phone"]


def test_phone_is_shown_masked():
    assert valid_phone("13812341234") and valid_phone("19900000000")
    assert mask_phone("13812341234") == "138****1234"


def test_control_and_bidi_characters_are_dropped_line_breaks_and_emoji_kept():
    assert clean_text("a\x00b\x1bc\u202ed\r\ne\tf\n\n\n\ng 👍") == "abcd\ne f\n\ng 👍"
    # The kiosk's font has no emoji: its screens show a box instead of tofu; the record keeps the emoji.
    assert displayable("好👍🏻\u200d!") == "好□□!"
    assert displayable("𠀀") == "𠀀"


# -- tracking number, check code, working days --------------------------------------------------------

def test_tracking_number_has_the_contract_format_and_comes_from_the_record_id():
    number = tracking_number("0123456789ab4def8123456789abcdef", date(2026, 11, 25))
    assert re.match(FEEDBACK_TRACKING_PATTERN, number)
    # 0x0123456789 in 40 bits = 00000 00100 10001 10100 01010 11001 11100 01001 -> Crockford base32
    assert number == "F261125-04HMASW9"


def test_tracking_numbers_do_not_repeat():
    import uuid

    numbers = {tracking_number(str(uuid.uuid4()), date(2026, 11, 25)) for _ in range(50_000)}
    assert len(numbers) == 50_000
    assert all(re.match(FEEDBACK_TRACKING_PATTERN, n) for n in numbers)


def test_check_codes_are_six_random_digits():
    codes = [new_check_code() for _ in range(2000)]
    assert all(re.fullmatch(r"[0-9]{6}", code) for code in codes)
    assert len(set(codes)) > 1900
    assert any(code.startswith("0") for code in codes), "leading zeros are kept"


@pytest.mark.parametrize(
    "start, days, due",
    [
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday -> next Monday
        (date(2026, 11, 25), 5, date(2026, 12, 2)),  # Wednesday -> next Wednesday, across a weekend
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday -> Monday
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # Saturday -> Monday
        (date(2026, 11, 29), 5, date(2026, 12, 4)),  # Sunday -> Friday
        (date(2026, 11, 23), 15, date(2026, 12, 14)),  # three weeks
    ],
)
def test_working_days_skip_weekends(start, days, due):
    assert add_working_days(start, days) == due


def test_status_url_for_the_qr():
    assert status_url("https://kiosk.example.org/", "F261125-04HMAST9", "012345") == "https://kiosk.example.org/s/F261125-04HMAST9?c=012345"


# -- submitting: committed before the receipt, nothing lost -------------------------------------------

def test_submit_commits_a_valid_record_before_returning(desk, store, clock):
    receipt = desk.submit(Draft(category="service_rating", rating=2, reason="等候时间太长", phone="13812341234", consent=True, locale="en"))
    on_disk = rows_on_disk(store.path)
    assert len(on_disk) == 1
    record = FeedbackRecord.model_validate(on_disk[0])
    assert record.tracking_number == receipt.tracking_number and record.check_code == receipt.check_code
    assert (record.category, record.rating, record.reason, record.text) == ("service_rating", 2, "等候时间太长", "")
    assert (record.phone, record.consent, record.locale, record.suppressed) == ("13812341234", True, "en", None)
    assert record.submitted_at == clock.now
    # Wednesday 25 November 2026 (10:00 in Beijing) + 5 working days.
    assert record.followup_due == receipt.followup_due == add_working_days(clock.now.astimezone().date(), 5)
    (queued_record,) = Outbox(store).next_batch(10)
    assert queued_record.id == receipt.record_id
    assert receipt.tracking_number == tracking_number(receipt.record_id, clock.now.astimezone().date())
    Record.model_validate(queued_record.to_wire())


def test_record_survives_reopening_the_store(desk, store, data_dir, seed):
    receipt = desk.submit(Draft(category="repair", text="12 楼停水了"))
    store.close()
    reopened = LocalStore.open(data_dir / "store.sqlite", seed)
    try:
        (payload,) = queued(reopened)
        assert payload["tracking_number"] == receipt.tracking_number
        assert payload["followup_due"] is None and payload["rating"] is None
    finally:
        reopened.close()


def test_hostile_text_is_stored_verbatim_for_the_server_to_escape(desk, store):
    hostile = "<script>alert(1)</script> '; DROP TABLE outbox; -- \" OR 1=1"
    desk.submit(Draft(category="other", text=hostile))
    assert rows_on_disk(store.path)[0]["text"] == hostile


def test_100_kb_of_text_is_refused_clearly_and_nothing_is_queued(desk, store):
    with pytest.raises(FeedbackError) as refused:
        desk.submit(Draft(category="repair", text="x" * 100_000))
    assert [(p.field, p.code) for p in refused.value.problems] == [("text", "too_long")]
    assert "100000 characters, at most 500" in str(refused.value)
    assert rows_on_disk(store.path) == []


def test_invalid_draft_queues_nothing(desk, store):
    with pytest.raises(FeedbackError):
        desk.submit(Draft(category="repair", text="x", phone="12345"))
    assert rows_on_disk(store.path) == []


# -- anti-abuse: suppressed, never thrown away ------------------------------------------------------------

def test_a_repeated_press_is_queued_suppressed_and_shows_the_first_receipt(desk, store, clock):
    draft = Draft(category="repair", text="电梯坏了")
    first = desk.submit(draft)
    clock.advance(2)
    again = desk.submit(Draft(category="repair", text="  电梯坏了 "))
    assert again.suppressed == "repeat"
    assert (again.tracking_number, again.check_code) == (first.tracking_number, first.check_code)
    records = rows_on_disk(store.path)
    assert [r["suppressed"] for r in records] == [None, "repeat"]
    # The suppressed copy has its own tracking number, so operators see it as a record of its own.
    assert records[1]["tracking_number"] != first.tracking_number
    assert desk.suppressed_counts() == {"repeat": 1}


def test_identical_within_the_window_is_suppressed_after_it_is_not(desk, store, clock):
    draft = Draft(category="service_rating", rating=1, reason="排队太久")
    first = desk.submit(draft)
    clock.advance(300)
    assert desk.submit(draft).suppressed == "identical"
    clock.advance(301)  # 601 s after the first and the window is 600 s... but 301 s after the second
    third = desk.submit(draft)
    assert third.suppressed == "identical" and third.tracking_number == first.tracking_number
    clock.advance(601)
    fresh = desk.submit(draft)
    assert fresh.suppressed is None and fresh.tracking_number != first.tracking_number
    assert [r["suppressed"] for r in rows_on_disk(store.path)] == [None, "identical", "identical", None]
    assert desk.suppressed_counts() == {"identical": 2}


def test_different_feedback_is_never_a_duplicate(desk, clock):
    desk.submit(Draft(category="repair", text="电梯坏了"))
    clock.advance(1)
    assert desk.submit(Draft(category="repair", text="电梯坏了，在 3 号梯")).suppressed is None
    assert desk.submit(Draft(category="order", text="电梯坏了")).suppressed is None


def test_rate_limit_per_terminal_and_hour(store, clock):
    desk = FeedbackDesk(store, FeedbackSettings(rate_limit_per_hour=3), clock=clock)
    for n in range(3):
        assert desk.submit(Draft(category="other", text=f"建议 {n}")).suppressed is None
        clock.advance(60)
    limited = desk.submit(Draft(category="other", text="建议 3"))
    assert limited.suppressed == "rate_limit"
    assert re.match(FEEDBACK_TRACKING_PATTERN, limited.tracking_number)
    clock.advance(3600)
    assert desk.submit(Draft(category="other", text="建议 4")).suppressed is None
    assert [r["suppressed"] for r in rows_on_disk(store.path)] == [None, None, None, "rate_limit", None]
    assert desk.suppressed_counts() == {"rate_limit": 1}


def test_the_rules_and_counters_survive_a_restart(store, data_dir, seed, clock):
    FeedbackDesk(store, SETTINGS, clock=clock).submit(Draft(category="repair", text="灯不亮"))
    store.close()
    reopened = LocalStore.open(data_dir / "store.sqlite", seed)
    try:
        clock.advance(1)
        desk = FeedbackDesk(reopened, SETTINGS, clock=clock)
        assert desk.submit(Draft(category="repair", text="灯不亮")).suppressed == "repeat"
        assert desk.suppressed_counts() == {"repeat": 1}
        assert len(queued(reopened)) == 2
    finally:
        reopened.close()


# -- settings and the printed receipt ------------------------------------------------------------------

def test_categories_come_from_the_settings_and_keys_are_unique():
    assert [c.key for c in SETTINGS.categories] == ["repair", "order", "service_rating", "event_suggestion", "micro_wish", "proposal", "other"]
    assert [c.key for c in SETTINGS.categories if c.rating] == ["service_rating"]
    custom = FeedbackSettings(categories=[{"key": "lift", "title": {"zh": "电梯", "en": "Lifts"}, "icon": "wrench"}])
    assert custom.category("lift").title.get("zh_CN") == "电梯" and custom.category("repair") is None
    with pytest.raises(ValueError, match="unique"):
        FeedbackSettings(categories=[{"key": "a", "title": {"zh": "甲", "en": "A"}}] * 2)
    with pytest.raises(ValueError, match="status_url_base"):
        FeedbackSettings(status_url_base="javascript:alert(1)")


def test_receipt_slip_carries_tracking_code_and_qr_but_not_what_was_written():
    from services.devices.printer import encode_escpos, feedback_slip, render_text
    from tests.i18n_catalogues import compile_catalogues

    compile_catalogues("kiosk")  # the slip's words

    slip = feedback_slip(
        "zh_CN", category_title="政务服务评价", rating_label="不满意", tracking_number="F261125-04HMASW9",
        check_code="012345", followup_due=date(2026, 12, 2), status_url=status_url("https://k.example.org", "F261125-04HMASW9", "012345"),
        terminal_name="T1 大堂 1 号机", printed_at=datetime(2026, 11, 25, 10, 0), centre_name="党群服务中心",
    )
    text = render_text(slip, 32)
    for expected in ("受理编号：F261125-04HMASW9", "查询码：012345", "评价：不满意", "回复期限：2026年12月2日",
                     "[QR] https://k.example.org/s/F261125-04HMASW9?c=012345"):
        assert expected in text
    assert b"F261125-04HMASW9" in encode_escpos(slip, 32)
