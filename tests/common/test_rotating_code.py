from datetime import UTC, datetime, timedelta

import pytest

from common.rotating_code import current_code, verify_code
from tests.common.doc_vectors import vectors

SECRET = bytes(range(32))
NOW = datetime(2026, 3, 1, 9, 0, 10, tzinfo=UTC)
STEP = timedelta(seconds=30)


def test_code_is_eight_digits_and_changes_every_step():
    codes = [current_code(SECRET, 42, NOW + n * STEP) for n in range(20)]

    assert all(len(code) == 8 and code.isdigit() for code in codes)
    assert len(set(codes)) == 20
    # Stable within a step (NOW is 10 s into its step).
    assert current_code(SECRET, 42, NOW + timedelta(seconds=19)) == codes[0]
    assert current_code(SECRET, 42, NOW + timedelta(seconds=20)) == codes[1]


def test_current_and_previous_step_accepted():
    assert verify_code(SECRET, 42, current_code(SECRET, 42, NOW), NOW)
    assert verify_code(SECRET, 42, current_code(SECRET, 42, NOW - STEP), NOW)


def test_two_steps_back_refused():
    assert not verify_code(SECRET, 42, current_code(SECRET, 42, NOW - 2 * STEP), NOW)
    assert verify_code(SECRET, 42, current_code(SECRET, 42, NOW - 2 * STEP), NOW, drift_steps=2)


def test_next_step_refused():
    assert not verify_code(SECRET, 42, current_code(SECRET, 42, NOW + STEP), NOW)


def test_no_drift_accepts_only_the_current_step():
    assert verify_code(SECRET, 42, current_code(SECRET, 42, NOW), NOW, drift_steps=0)
    assert not verify_code(SECRET, 42, current_code(SECRET, 42, NOW - STEP), NOW, drift_steps=0)


def test_another_event_or_secret_refused():
    code = current_code(SECRET, 42, NOW)

    assert not verify_code(SECRET, 43, code, NOW)
    assert not verify_code(bytes(32), 42, code, NOW)


def test_other_step_length():
    minute_code = current_code(SECRET, 42, NOW, step=60)

    assert verify_code(SECRET, 42, minute_code, NOW + timedelta(seconds=100), step=60)
    assert not verify_code(SECRET, 42, minute_code, NOW + timedelta(seconds=200), step=60)


@pytest.mark.parametrize("code", ["", "1234567", "123456789", "abcdefgh", "１２３４５６７８", "1234 678", None, 12345678])
def test_malformed_code_refused(code):
    assert not verify_code(SECRET, 42, code, NOW)


def test_naive_time_is_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        current_code(SECRET, 42, datetime(2026, 3, 1, 9, 0))


@pytest.mark.parametrize("vector", vectors("rotating_code"), ids=lambda v: v["at"])
def test_doc_vectors(vector):
    at = datetime.fromisoformat(vector["at"])

    assert int(at.timestamp()) // 30 == int(vector["counter"])
    assert current_code(bytes.fromhex(vector["secret_hex"]), int(vector["event_id"]), at) == vector["code"]
    assert verify_code(bytes.fromhex(vector["secret_hex"]), int(vector["event_id"]), vector["code"], at)
