"""Kiosk lock-down in one place: what stops a visitor from leaving or breaking the app.

Full screen, no window decorations, no mouse cursor, Escape and window-close
refused, multitouch emulation (red dots on right click) off, Kivy's F1
settings panel off. ``windowed_size`` keeps all of that but the full screen,
for development, tests and screenshots. In kiosk mode the window opens over
the whole display measured beforehand (``services.devices.display.fit``), whether or
not a window manager grants the full-screen request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.devices.display.fit import WindowPlan

# (section, key) -> value, applied to kivy.config.Config before the window exists.
KIOSK_CONFIG = {
    ("kivy", "exit_on_escape"): "0",
    ("kivy", "pause_on_minimize"): "0",
    # Our own on-screen keyboard serves text entry; Kivy's virtual keyboard must never pop up.
    ("kivy", "keyboard_mode"): "system",
    ("graphics", "fullscreen"): "auto",
    ("graphics", "borderless"): "1",
    ("graphics", "show_cursor"): "0",
    ("graphics", "resizable"): "0",
    ("input", "mouse"): "mouse,disable_multitouch",
}


def _window_at(fullscreen: str, left: int, top: int, width: int, height: int) -> dict[tuple[str, str], str]:
    return {
        ("graphics", "fullscreen"): fullscreen,
        ("graphics", "width"): str(width),
        ("graphics", "height"): str(height),
        ("graphics", "position"): "custom",
        ("graphics", "left"): str(left),
        ("graphics", "top"): str(top),
    }


def kiosk_config(
    windowed_size: tuple[int, int] | None = None, plan: WindowPlan | None = None
) -> dict[tuple[str, str], str]:
    """``windowed_size`` wins over ``plan`` (the display as measured before the window opens)."""
    config = dict(KIOSK_CONFIG)
    if windowed_size is not None:
        config.update(_window_at("0", 0, 0, *windowed_size))
    elif plan is not None:
        display = plan.display
        config.update(_window_at(plan.fullscreen, display.x, display.y, display.width, display.height))
    return config


def apply_config(config, windowed_size: tuple[int, int] | None = None, plan: WindowPlan | None = None) -> None:
    for (section, key), value in kiosk_config(windowed_size, plan).items():
        if not config.has_section(section):
            config.add_section(section)
        config.set(section, key, value)


ESCAPE_KEYCODE = 27


def lock_window(window) -> None:
    """Refuse every attempt to close or leave the window; bound once, at app start."""
    window.bind(on_request_close=refuse_close, on_keyboard=swallow_escape)


def refuse_close(*_args, **_kwargs) -> bool:
    # True tells Kivy the close request was handled: the window stays open.
    return True


def swallow_escape(_window, key, *_args) -> bool:
    return key == ESCAPE_KEYCODE
