"""The enrolment QR: strict parsing of what any scanner may read, and enrolment with a real server."""

from __future__ import annotations

import pytest

from services.checkin.enrolment_qr import EnrolmentQrError, enrol_by_qr, parse_enrolment_qr
from services.sync.api import PermanentError
from services.sync.identity import load_identity


@pytest.mark.parametrize("text, expected", [
    ("LKENROL|ABCD-EF23|http://127.0.0.1:8800", ("ABCD-EF23", "http://127.0.0.1:8800")),
    ("LKENROL|ABCD-EF23|https://kiosk.example.org/", ("ABCD-EF23", "https://kiosk.example.org")),
    ("LKENROL|WXYZ-2345|https://kiosk.example.org/lobby\r\n", ("WXYZ-2345", "https://kiosk.example.org/lobby")),
])
def test_good_codes_parse(text, expected):
    assert parse_enrolment_qr(text) == expected


@pytest.mark.parametrize("text", [
    "",
    "ABCD-EF23",
    "LK1:ABCDEF",
    "lkenrol|ABCD-EF23|http://127.0.0.1:8800",
    "LKENROL|abcd-ef23|http://127.0.0.1:8800",  # codes are made upper case
    "LKENROL|ABCD-EF01|http://127.0.0.1:8800",  # 0 and 1 never occur in a code
    "LKENROL|ABCDEF23|http://127.0.0.1:8800",
    "LKENROL|ABCD-EF23",
    "LKENROL|ABCD-EF23|",
    "LKENROL|ABCD-EF23|http://127.0.0.1:8800|extra",
    "LKENROL|ABCD-EF23|ftp://127.0.0.1/",
    "LKENROL|ABCD-EF23|file:///etc/passwd",
    "LKENROL|ABCD-EF23|javascript:alert(1)",
    "LKENROL|ABCD-EF23|127.0.0.1:8800",
    "LKENROL|ABCD-EF23|http://",
    "LKENROL|ABCD-EF23|http://user:pw@127.0.0.1:8800",
    "LKENROL|ABCD-EF23|http://127.0.0.1:99999",
    "LKENROL|ABCD-EF23|http://127.0.0.1:8800/?next=evil",
    "LKENROL|ABCD-EF23|http://exa mple.org",
    "LKENROL|ABCD-EF23|http://127.0.0.1\x00.evil",
    "LKENROL|ABCD-EF23|http://例子.中国",
    "LKENROL|ABCD-EF23|http://" + "a" * 300 + ".org",
])
def test_anything_else_is_not_an_enrolment_qr(text):
    assert parse_enrolment_qr(text) is None


def test_scanning_the_consoles_qr_enrols_this_terminal(live_server, data_dir):
    code = live_server.enrol("T2 大堂 2 号机", "T2 一层")
    identity = enrol_by_qr(f"LKENROL|{code}|{live_server.url}/", data_dir, "0.1.0-test")
    assert identity.name == "T2 大堂 2 号机" and identity.server_url == live_server.url
    assert load_identity(data_dir) == identity
    with pytest.raises(PermanentError):  # one-time: the same QR does not enrol a second terminal
        enrol_by_qr(f"LKENROL|{code}|{live_server.url}", data_dir / "other", "0.1.0-test")
    assert load_identity(data_dir / "other") is None


def test_a_text_that_is_no_enrolment_qr_enrols_nothing(data_dir):
    with pytest.raises(EnrolmentQrError):
        enrol_by_qr("LKENROL|ABCD-EF23|gopher://x", data_dir, "0.1.0-test")
    assert load_identity(data_dir) is None
