"""GUI tests: a real Xvfb display, and each scenario in its own kiosk process with a timeout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).with_name("harness.py")
SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.toml"


@pytest.fixture(scope="session")
def display():
    """A private Xvfb server, big enough for both orientations."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed: run `make test` (it installs xvfb) or apt-get install xvfb")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1920x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


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
    ):
        settings = tmp_path / "settings.toml"
        text = settings_text if settings_text is not None else SETTINGS.read_text(encoding="utf-8")
        settings.write_text(text.replace("timeout_seconds = 60", f"timeout_seconds = {idle_timeout}"), encoding="utf-8")
        result = tmp_path / f"{name}.json"
        env = dict(os.environ, DISPLAY=display, KIOSK_DATA_DIR=str(tmp_path / "data"), KIOSK_SETTINGS=str(settings), **(env or {}))
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
