"""Staff PIN hashes: a roundtrip, salted, and verification that never raises on a malformed hash."""

from __future__ import annotations

import re

import pytest

from common.pin import PIN_HASH_PATTERN, hash_pin, verify_pin


@pytest.fixture(scope="module")
def pin_hash():
    return hash_pin("2468")


def test_roundtrip(pin_hash):
    assert verify_pin("2468", pin_hash)


@pytest.mark.parametrize("wrong", ["2469", "8642", "24680", ""])
def test_wrong_pin_is_refused(pin_hash, wrong):
    assert not verify_pin(wrong, pin_hash)


def test_same_pin_hashes_differently(pin_hash):
    again = hash_pin("2468")
    assert again != pin_hash
    assert verify_pin("2468", again)


def test_hash_matches_the_settings_pattern(pin_hash):
    assert re.fullmatch(PIN_HASH_PATTERN, pin_hash)


def _with_part(pin_hash, index, value):
    parts = pin_hash.split("$")
    parts[index] = value
    return "$".join(parts)


MALFORMED = {
    "empty": lambda h: "",
    "plain text": lambda h: "2468",
    "other scheme": lambda h: _with_part(h, 0, "md5"),
    "too few parts": lambda h: h.rsplit("$", 1)[0],
    "too many parts": lambda h: h + "$x",
    "non-numeric cost": lambda h: _with_part(h, 1, "x"),
    "huge cost": lambda h: _with_part(h, 1, "99"),
    "zero cost": lambda h: _with_part(h, 1, "0"),
    "negative cost": lambda h: _with_part(h, 1, "-1"),
    "huge memory": lambda h: _with_part(_with_part(h, 2, "99"), 3, "99"),
    "bad salt base64": lambda h: _with_part(h, 4, "a"),
    # Passes PIN_HASH_PATTERN, so the settings accept it: a copy-paste that lost the trailing "=".
    "digest without its padding": lambda h: h.rstrip("="),
    "truncated digest": lambda h: _with_part(h, 5, h.split("$")[5][:8]),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_hash_is_false_and_never_raises(pin_hash, case):
    assert verify_pin("2468", MALFORMED[case](pin_hash)) is False
