"""GUI tests: a real Xvfb display, and each scenario in its own kiosk process with a timeout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.x_servers import start_xvfb

HARNESS = Path(__file__).with_name("harness.py")
SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.toml"


@pytest.fixture(scope="session")
def display():
    """A private Xvfb server, big enough for windows of both orientations."""
    yield from start_xvfb("1920x1920")


@pytest.fixture(scope="session", autouse=True)
def ime_cache(tmp_path_factory):
    """One input method dictionary file for the whole run: the first kiosk that needs it builds it."""
    path = tmp_path_factory.mktemp("ime")
    os.environ["KIOSK_IME_CACHE"] = str(path)
    yield path
    os.environ.pop("KIOSK_IME_CACHE", None)


@pytest.fixture
def run_scenario(display, tmp_path):
    """Run a scenario of tests/gui/scenarios.py in a fresh kiosk process; returns what it recorded."""

    def run(
        name: str,
        size: str = "1080x1920",
        idle_timeout: int = 60,
        env: dict | None = None,
        settings_text: str | None = None,
        timeout: float = 240,
        on_display: str | None = None,
    ):
        """``size`` "kiosk" runs full screen; ``on_display`` another X display than the shared one."""
        settings = tmp_path / "settings.toml"
        text = settings_text if settings_text is not None else SETTINGS.read_text(encoding="utf-8")
        settings.write_text(text.replace("timeout_seconds = 60", f"timeout_seconds = {idle_timeout}"), encoding="utf-8")
        result = tmp_path / f"{name}.json"
        env = dict(os.environ, DISPLAY=on_display or display, KIOSK_DATA_DIR=str(tmp_path / "data"),
                   KIOSK_SETTINGS=str(settings), **(env or {}))
        process = subprocess.run(
            [sys.executable, str(HARNESS), name, str(result), size],
            env=env, capture_output=True, text=True, timeout=timeout,
        )
        if not result.exists():
            pytest.fail(f"scenario {name} crashed (exit {process.returncode}):\n{process.stderr[-4000:]}")
        outcome = json.loads(result.read_text(encoding="utf-8"))
        if not outcome["ok"]:
            pytest.fail(f"scenario {name} failed:\n{outcome.get('error')}\n{process.stderr[-3000:]}")
        outcome["results"]["data_dir"] = str(tmp_path / "data")
        return outcome["results"]

    return run
