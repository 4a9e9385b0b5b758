"""The terminal's credential file: round trip, mode 0600, atomic replace, and unusable files ignored."""

from __future__ import annotations

import json
import logging
import stat

import pytest

from services.sync.identity import IDENTITY_FILE, TerminalIdentity, load_identity, save_identity

IDENTITY = TerminalIdentity("https://kiosk.example.org", 7, "kt_" + "a" * 43, "T1 大堂 1 号机", "T1 一层大堂东侧")


def test_saved_identity_loads_back_and_only_its_owner_can_read_it(data_dir):
    save_identity(data_dir, IDENTITY)
    assert load_identity(data_dir) == IDENTITY
    path = data_dir / IDENTITY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in data_dir.iterdir()] == [IDENTITY_FILE]  # no temporary file left behind


def test_saving_again_replaces_the_file_and_tightens_its_mode(data_dir):
    path = data_dir / IDENTITY_FILE
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o644)
    replacement = TerminalIdentity("http://127.0.0.1:8000", 8, "kt_new", "T2", "Gate 2")
    save_identity(data_dir, replacement)
    assert load_identity(data_dir) == replacement
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_file_means_not_enrolled(data_dir):
    assert load_identity(data_dir) is None


@pytest.mark.parametrize(
    "content",
    [
        '{"server_url": "https://x", "terminal_id": 7',  # cut short
        "[]",
        json.dumps({"server_url": "https://x", "terminal_id": "7", "token": "kt_", "name": "n", "location": "l"}),
        json.dumps({"server_url": "https://x", "terminal_id": True, "token": "kt_", "name": "n", "location": "l"}),
        json.dumps({"server_url": "https://x", "terminal_id": 7, "name": "n", "location": "l"}),
        "\udcff",
    ],
)
def test_an_unusable_file_is_a_warning_not_a_crash(data_dir, caplog, content):
    (data_dir / IDENTITY_FILE).write_bytes(content.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.WARNING):
        assert load_identity(data_dir) is None
    assert IDENTITY_FILE in caplog.text


def test_the_token_stays_out_of_logs():
    assert IDENTITY.token not in repr(IDENTITY) and IDENTITY.token not in str(IDENTITY)
