"""The display as the kiosk measures it: the plan for its window, and a real X server's monitors and window
manager (Xvfb, with and without openbox), asked through libX11 / libXrandr and Kivy's own SDL."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from services.devices.display.fit import plan_window
from services.devices.display.rect import Rect
from services.devices.display.x11 import X11Display, X11Unavailable
from tests.x_servers import start_xvfb


@pytest.fixture
def xvfb(monkeypatch):
    for display in start_xvfb("1080x1920"):
        monkeypatch.setenv("DISPLAY", display)
        yield display


@pytest.mark.parametrize(("driver", "window_manager", "place_ourselves", "fullscreen"), [
    ("x11", False, True, "0"),       # bare X server: the kiosk places its window
    ("x11", True, False, "auto"),    # desktop: the window manager makes it full screen
    ("x11", None, False, "auto"),    # could not ask: ask for full screen, window at display size anyway
    ("wayland", None, False, "auto"),  # cage and other compositors size the window themselves
])
def test_plan_places_the_window_only_where_nobody_else_will(driver, window_manager, place_ourselves, fullscreen):
    plan = plan_window(Rect(0, 0, 1080, 1920), driver, window_manager)
    assert (plan.place_ourselves, plan.fullscreen) == (place_ourselves, fullscreen)
    assert plan.display.portrait


def test_a_bare_x_server_has_one_monitor_and_no_window_manager(xvfb):
    with X11Display() as x11:
        assert [m.rect for m in x11.monitors()] == [Rect(0, 0, 1080, 1920)]
        assert x11.monitor_for() == Rect(0, 0, 1080, 1920)
        assert x11.monitor_for(Rect(100, 100, 200, 200)) == Rect(0, 0, 1080, 1920)
        assert x11.window_manager_running() is False


def test_a_window_manager_is_seen_while_it_runs_and_not_after(xvfb):
    if shutil.which("openbox") is None:
        pytest.fail("openbox is missing: run `make test` (it installs openbox)")
    manager = subprocess.Popen(["openbox", "--sm-disable"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        running = False
        while not running and time.monotonic() < deadline:
            time.sleep(0.2)
            with X11Display() as x11:
                running = x11.window_manager_running()
        assert running is True
    finally:
        manager.terminate()
        manager.wait(timeout=10)
    # Its announcement may stay on the root window, naming a window that is gone: not running.
    with X11Display() as x11:
        assert x11.window_manager_running() is False


def test_the_probe_measures_the_display_before_any_window_opens(xvfb):
    # In a fresh process, as the kiosk probes at start: SDL keeps the video driver it chose first for the whole
    # process, and another test in this worker may have made it choose without a display.
    probe = ("from services.devices.display.fit import probe_window_plan; p = probe_window_plan(); "
             "print(p.driver, p.display.x, p.display.y, p.display.width, p.display.height, p.place_ourselves)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["x11", "0", "0", "1080", "1920", "True"]


def test_no_x_server_is_a_clear_error_not_a_crash(monkeypatch):
    monkeypatch.setenv("DISPLAY", ":4093")
    with pytest.raises(X11Unavailable, match="cannot open X display"):
        X11Display()
