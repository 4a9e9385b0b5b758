"""Kiosk lock-down: full screen, no way out for a visitor, applied to a real Kivy config."""

from __future__ import annotations

import pytest
from kivy.config import ConfigParser

from kiosk.lockdown import ESCAPE_KEYCODE, apply_config, kiosk_config, refuse_close, swallow_escape


def test_kiosk_config_locks_the_screen():
    config = kiosk_config()
    assert config[("graphics", "fullscreen")] == "auto"
    assert config[("graphics", "borderless")] == "1"
    assert config[("graphics", "show_cursor")] == "0"
    assert config[("kivy", "exit_on_escape")] == "0"
    assert "disable_multitouch" in config[("input", "mouse")].split(",")
    assert config[("kivy", "keyboard_mode")] == "system"


def test_windowed_keeps_the_lock_down_but_the_full_screen():
    full, windowed = kiosk_config(), kiosk_config(windowed_size=(1080, 1920))
    assert windowed[("graphics", "fullscreen")] == "0"
    assert (windowed[("graphics", "width")], windowed[("graphics", "height")]) == ("1080", "1920")
    for key, value in full.items():
        if key != ("graphics", "fullscreen"):
            assert windowed[key] == value, key


def test_close_request_is_refused():
    assert refuse_close() is True
    assert refuse_close(object(), source="keyboard") is True


@pytest.mark.parametrize("key", [ESCAPE_KEYCODE, 27])
def test_escape_is_swallowed(key):
    assert swallow_escape(None, key, 0, None, []) is True


@pytest.mark.parametrize("key", [8, 13, 32, 97, 282])  # backspace, enter, space, a, F1
def test_other_keys_pass_through(key):
    assert swallow_escape(None, key, 0, None, []) is False


@pytest.mark.parametrize("windowed_size", [None, (800, 600)])
def test_apply_config_sets_a_real_kivy_config(windowed_size):
    config = ConfigParser()
    config.add_section("graphics")
    config.set("graphics", "fullscreen", "0")
    config.set("graphics", "maxfps", "60")

    apply_config(config, windowed_size=windowed_size)

    for (section, key), value in kiosk_config(windowed_size).items():
        assert config.get(section, key) == value, (section, key)
    assert config.get("graphics", "maxfps") == "60"  # what the kiosk does not set is left alone
    assert config.getint("kivy", "exit_on_escape") == 0


def test_kiosk_mode_opens_the_window_over_the_measured_display():
    from services.devices.display.fit import plan_window
    from services.devices.display.rect import Rect

    bare = kiosk_config(plan=plan_window(Rect(1920, 0, 1080, 1920), "x11", window_manager=False))
    # No window manager to grant full screen: a borderless window placed over the display itself.
    assert bare[("graphics", "fullscreen")] == "0"
    assert bare[("graphics", "borderless")] == "1"
    assert [bare[("graphics", key)] for key in ("position", "left", "top", "width", "height")] == \
        ["custom", "1920", "0", "1080", "1920"]
    managed = kiosk_config(plan=plan_window(Rect(0, 0, 1920, 1080), "x11", window_manager=True))
    # Full screen asked for, and the window opened at the display's size in case the request is ignored.
    assert managed[("graphics", "fullscreen")] == "auto"
    assert (managed[("graphics", "width")], managed[("graphics", "height")]) == ("1920", "1080")
    # A window size given for development wins over the measured display.
    windowed = kiosk_config(windowed_size=(800, 600), plan=plan_window(Rect(0, 0, 1920, 1080), "x11", False))
    assert (windowed[("graphics", "fullscreen")], windowed[("graphics", "width")]) == ("0", "800")
