"""The `kiosk` command, run for real: search, check, hash-pin, and a bad settings file that stops it early."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from common.paths import DEFAULT_SETTINGS_FILE, SAMPLE_CATALOGUE_FILE
from common.pin import verify_pin

KIOSK = Path(sys.executable).with_name("kiosk")
ROOT = Path(__file__).resolve().parents[2]
SAMPLE_NAMES = {s["code"]: s["name"]["zh"] for s in json.loads(SAMPLE_CATALOGUE_FILE.read_text(encoding="utf-8"))["services"]}
SOCIAL_SECURITY_CARD = "社会保障卡"


@pytest.fixture
def run(tmp_path):
    """Run a command with a private data directory and no display at all."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "KIOSK_SETTINGS")
           and not k.startswith("KIVY_")}
    env["KIOSK_DATA_DIR"] = str(tmp_path / "data")

    def _run(*args, stdin=""):
        # The timeout only stops a hung process; nothing here measures time.
        return subprocess.run(args, input=stdin, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180)

    return _run


def kiosk(run, *args, stdin=""):
    assert KIOSK.exists(), f"{KIOSK} is missing: run `make deps`"
    return run(str(KIOSK), *args, stdin=stdin)


def _result_lines(stdout: str) -> list[tuple[str, str]]:
    lines = stdout.splitlines()
    assert all(re.fullmatch(r"[A-Z]{2,4}-\d{3,4}\t\S.*", line) for line in lines), stdout
    return [tuple(line.split("\t", 1)) for line in lines]


@pytest.mark.parametrize("query", ["sbk", "社保卡", "social security card"])
def test_search_finds_the_social_security_card_first(run, query):
    result = kiosk(run, "search", query)
    assert result.returncode == 0, result.stderr
    hits = _result_lines(result.stdout)
    assert hits, f"no results for {query!r}"
    for code, name in hits:
        assert SAMPLE_NAMES.get(code) == name  # a real service, printed with its own name
    assert SOCIAL_SECURITY_CARD in hits[0][1]


def test_search_without_match_prints_nothing(run):
    result = kiosk(run, "search", "zzzzqxw")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_python_dash_m_kiosk_searches_too(run):
    via_module = run(sys.executable, "-m", "kiosk", "search", "sbk")
    via_script = kiosk(run, "search", "sbk")
    assert via_module.returncode == 0, via_module.stderr
    assert via_module.stdout == via_script.stdout != ""


def test_check_accepts_the_shipped_files(run):
    result = kiosk(run, "check")
    assert result.returncode == 0, result.stderr
    assert f"{len(SAMPLE_NAMES)} services" in result.stdout


def test_bad_settings_stop_run_before_kivy_starts(run, tmp_path):
    text, replaced = re.subn(r"(?m)^warning_seconds\s*=.*$", "warning_seconds = 5",
                             DEFAULT_SETTINGS_FILE.read_text(encoding="utf-8"))
    assert replaced == 1
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")

    result = kiosk(run, "run", "--settings", str(bad))

    assert result.returncode == 2
    assert "idle.warning_seconds" in result.stderr
    assert str(bad) in result.stderr
    # Kivy never started: it would have made its home in the data directory and logged itself.
    assert not (tmp_path / "data" / "kivy").exists()
    assert "[Kivy" not in result.stderr and "Window" not in result.stderr


def test_hash_pin_prints_a_hash_that_verifies(run):
    result = kiosk(run, "hash-pin", stdin="1234\n")
    assert result.returncode == 0, result.stderr
    pin_hash = result.stdout.strip()
    assert verify_pin("1234", pin_hash)
    assert not verify_pin("4321", pin_hash)


@pytest.mark.parametrize("pin", ["12", "12ab", "123456789"])
def test_hash_pin_refuses_what_is_not_a_pin(run, pin):
    result = kiosk(run, "hash-pin", stdin=f"{pin}\n")
    assert result.returncode == 2
    assert result.stdout == ""
