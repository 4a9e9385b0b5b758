"""ScanLineReader fed read by read: framing across reads, prefixes, encodings, hostile bytes."""

from __future__ import annotations

import pytest

from services.devices.scanner import ScanLineReader, decode_line


def frame(*reads: bytes, max_line: int = 4096, encoding: str = "auto") -> list[tuple[str, str | None]]:
    lines: list[tuple[str, str | None]] = []
    reader = ScanLineReader(lambda text, problem: lines.append((text, problem)), encoding=encoding,
                            max_line=max_line)
    for data in reads:
        reader.data_received(data)
    return lines


@pytest.mark.parametrize("ending", [b"\r", b"\n", b"\r\n"])
def test_each_line_ending_ends_a_line_once(ending):
    assert frame(b"LK1:A" + ending + b"LK1:B" + ending) == [("LK1:A", None), ("LK1:B", None)]


def test_crlf_split_across_reads_counts_once():
    assert frame(b"LK1:A\r", b"\nLK1:B\r", b"\n") == [("LK1:A", None), ("LK1:B", None)]


def test_a_line_fed_byte_by_byte_is_one_scan():
    data = "]Q1LK1:签到\r\n".encode()
    assert frame(*(data[i:i + 1] for i in range(len(data)))) == [("LK1:签到", None)]


def test_unterminated_line_waits_for_its_end():
    assert frame(b"LK1:PART") == []
    assert frame(b"LK1:PA", b"RT", b"\n") == [("LK1:PART", None)]


@pytest.mark.parametrize("prefix", [b"]Q1", b"]Q3", b"]E0", b"]d2"])
def test_aim_symbology_prefix_is_stripped(prefix):
    assert decode_line(prefix + b"LK1:ABC") == ("LK1:ABC", None)


def test_a_bracket_that_is_not_an_aim_prefix_stays():
    assert decode_line(b"]!!x") == ("]!!x", None)


def test_utf8_and_gbk_payloads():
    assert decode_line("签到处 LK1".encode()) == ("签到处 LK1", None)
    gbk = "欢迎参加活动".encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert decode_line(gbk) == ("欢迎参加活动", None)


def test_a_fixed_encoding_is_strict():
    assert decode_line("签到".encode("gbk"), encoding="utf-8")[1] == "undecodable"
    assert decode_line("签到".encode("gbk"), encoding="gbk") == ("签到", None)


def test_undecodable_bytes_are_an_unreadable_scan_with_escapes():
    text, problem = decode_line(b"LK1:\xff\x80\xfe")
    assert problem == "undecodable"
    assert text == "LK1:\\xff\\x80\\xfe"


def test_nul_bytes_are_dropped():
    assert frame(b"\0\0LK1:A\0BC\n\0\0\n") == [("LK1:ABC", None)]


def test_control_characters_make_a_line_unreadable():
    assert frame(b"LK1:A\x07B\x1bC\n") == [("LK1:A\\x07B\\x1bC", "control_characters")]


def test_over_long_line_is_reported_once_and_the_next_line_reads():
    lines = frame(b"A" * 3000, b"A" * 3000, b"A" * 4000 + b"\r\nLK1:GOOD\n", max_line=4096)
    assert lines == [("A" * 64, "too_long"), ("LK1:GOOD", None)]


def test_a_line_of_exactly_max_line_bytes_is_fine():
    assert frame(b"B" * 16 + b"\n", max_line=16) == [("B" * 16, None)]
    assert frame(b"B" * 17 + b"\n", max_line=16) == [("B" * 17, "too_long")]


def test_blank_lines_and_spaces_around_a_code_are_ignored():
    assert frame(b"\n\r\n  \t\n  LK1:A \r\n") == [("LK1:A", None)]


def test_losing_the_connection_forgets_a_half_line():
    lines = []
    lost = []
    reader = ScanLineReader(lambda text, problem: lines.append(text), on_lost=lost.append)
    reader.data_received(b"LK1:HA")
    error = OSError("unplugged")
    reader.connection_lost(error)
    reader.data_received(b"LK1:NEW\n")
    assert lost == [error]
    assert lines == ["LK1:NEW"]
