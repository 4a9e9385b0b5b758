"""GUI tests: a real Xvfb display, and each scenario in its own kiosk process with a timeout; for the end-to-end
tests, the real server (tests/server_fixtures.py), a kiosk enrolled with it, and a way for a scenario to have
the server stopped and started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    """One input method dictionary file for the whole run, shared by pytest-xdist's workers (their temporary
    directories have one parent): the first kiosk that needs it builds it, atomically."""
    base = tmp_path_factory.getbasetemp()
    path = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "ime"
    path.mkdir(exist_ok=True)
    os.environ["KIOSK_IME_CACHE"] = str(path)
    yield path
    os.environ.pop("KIOSK_IME_CACHE", None)


@pytest.fixture
def run_scenario(display, tmp_path):
    """Run a scenario of tests/gui/scenarios.py in a fresh kiosk process; returns what it recorded."""

    def run(
        name: str,
        size: str = "1080x1920",
        idle_timeout: int = 3600,
        env: dict | None = None,
        settings_text: str | None = None,
        timeout: float = 240,
        on_display: str | None = None,
    ):
        """``size`` "kiosk" runs full screen; ``on_display`` another X display than the shared one.
        Only the idle tests pass a short ``idle_timeout``: on a busy machine a long flow waiting for the server must
        not be sent home by the idle reset halfway."""
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
        outcome["results"]["exit_status"] = process.returncode
        return outcome["results"]

    return run


@pytest.fixture
def gui_server(live_server):
    """The server, telling terminals to call in every 5 s so a test sees changes within seconds."""
    configure_defaults(live_server, {})
    return live_server


def configure_defaults(server, settings: dict) -> None:
    """The fleet's default configuration layer: short polls, no idle reset in the middle of a long flow (the idle
    tests set their own), plus ``settings``."""
    server.admin("PUT", "/api/v1/admin/config/defaults", json={"settings": {
        "sync": {"heartbeat_seconds": 5}, "idle": {"timeout_seconds": 3600}, **settings}}).raise_for_status()


def enrol_kiosk(server, name: str, data_dir: Path) -> None:
    """``kiosk enrol`` with a new terminal's code, as an installer would: the kiosk run later is that terminal."""
    code = server.enrol(name, "T1 一层大堂")
    enrol = subprocess.run([sys.executable, "-m", "kiosk", "enrol", "--server", server.url, "--code", code],
                           env=dict(os.environ, KIOSK_DATA_DIR=str(data_dir)), capture_output=True, text=True,
                           timeout=60)
    assert enrol.returncode == 0, enrol.stderr


@contextmanager
def control_directory(tmp_path: Path, actions: dict[str, Callable[[], None]]) -> Iterator[dict[str, str]]:
    """A control directory through which a scenario has the test do things (stop the server, publish...): it
    writes an action's name there, a thread here carries it out and answers with ``<action>-done``."""
    control = tmp_path / "control"
    control.mkdir()
    done = threading.Event()

    def serve():
        while not done.is_set():
            for action, carry_out in actions.items():
                if (control / action).exists() and not (control / f"{action}-done").exists():
                    carry_out()
                    (control / f"{action}-done").touch()
            time.sleep(0.1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield {"KIOSK_TEST_CONTROL_DIR": str(control)}
    finally:
        done.set()
        thread.join(10)


@pytest.fixture
def server_control(gui_server, tmp_path):
    """A scenario has the server stopped and started: ``stop`` / ``start`` in the control directory."""
    with control_directory(tmp_path, {"stop": gui_server.stop, "start": gui_server.start}) as env:
        yield env
