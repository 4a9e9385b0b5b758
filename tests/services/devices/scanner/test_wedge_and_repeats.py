"""Keyboard-wedge bursts versus people typing, the HID backend, and the repeat window, on explicit clocks."""

from __future__ import annotations

from services.devices.scanner import ENTER, ScannerConfig, WedgeBuffer
from services.devices.scanner.repeat_filter import RepeatFilter


def type_keys(buffer: WedgeBuffer, keys: list[str], start: float, gap: float) -> list[str | None]:
    return [buffer.feed(key, start + i * gap) for i, key in enumerate(keys)]


def test_a_fast_burst_ending_in_enter_is_a_scan():
    results = type_keys(WedgeBuffer(), [*"LK1:ABC", ENTER], start=100.0, gap=0.008)
    assert results == [None] * 7 + ["LK1:ABC"]


def test_slow_typing_is_not_a_scan():
    assert type_keys(WedgeBuffer(), [*"LK1:ABC", ENTER], start=100.0, gap=0.2) == [None] * 8


def test_a_short_burst_is_not_a_scan():
    assert type_keys(WedgeBuffer(), [*"abc", ENTER], start=5.0, gap=0.005)[-1] is None


def test_a_pause_before_enter_breaks_the_burst():
    buffer = WedgeBuffer()
    type_keys(buffer, list("LK1:ABC"), start=0.0, gap=0.005)
    assert buffer.feed(ENTER, 1.0) is None


def test_a_person_typing_before_the_scan_does_not_leak_into_it():
    buffer = WedgeBuffer()
    type_keys(buffer, list("hello"), start=0.0, gap=0.3)
    results = type_keys(buffer, [*"LK1:XYZ", ENTER], start=3.0, gap=0.01)
    assert results[-1] == "LK1:XYZ"


def test_other_key_names_are_ignored_and_a_burst_can_follow_a_burst():
    buffer = WedgeBuffer()
    assert type_keys(buffer, ["shift", *"LK1:A", "shift", "B", ENTER], start=0.0, gap=0.01)[-1] == "LK1:AB"
    assert type_keys(buffer, [*"LK1:C", ENTER], start=0.2, gap=0.01)[-1] == "LK1:C"


def test_hid_scanner_reports_bursts_once_within_the_window(run_scanner):
    scanner, got = run_scanner(ScannerConfig(kind="hid", repeat_window_seconds=600))
    assert scanner.state == "ready"
    first = [scanner.feed_key(key, 10.0 + i * 0.01) for i, key in enumerate([*"LK1:HID", ENTER])]
    again = [scanner.feed_key(key, 11.0 + i * 0.01) for i, key in enumerate([*"LK1:HID", ENTER])]
    assert first[-1].text == "LK1:HID" and first[-1].source == "hid"
    assert again[-1] is None
    assert got.texts() == ["LK1:HID"]


def test_repeat_window_counts_a_code_once_and_restarts_on_each_sighting():
    repeats = RepeatFilter(2.5)
    assert repeats.accept("A", 0.0)
    assert not repeats.accept("A", 2.0)
    assert not repeats.accept("A", 4.0)  # still in view: seen 2 s ago
    assert repeats.accept("B", 4.1)
    assert not repeats.accept("B", 6.5)
    assert repeats.accept("A", 6.6)  # 2.6 s since last seen
