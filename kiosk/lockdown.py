"""Kiosk lock-down in one place: what stops a visitor from leaving or breaking the app.

Full screen, no window decorations, no mouse cursor, Escape and window-close
refused, multitouch emulation (red dots on right click) off, Kivy's F1
settings panel off. ``windowed_size`` keeps all of that but the full screen,
for development, tests and screenshots.
"""

from __future__ import annotations

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


def kiosk_config(windowed_size: tuple[int, int] | None = None) -> dict[tuple[str, str], str]:
    config = dict(KIOSK_CONFIG)
    if windowed_size is not None:
        width, height = windowed_size
        config.update(
            {
                ("graphics", "fullscreen"): "0",
                ("graphics", "width"): str(width),
                ("graphics", "height"): str(height),
                ("graphics", "position"): "custom",
                ("graphics", "left"): "0",
                ("graphics", "top"): "0",
            }
        )
    return config


def apply_config(config, windowed_size: tuple[int, int] | None = None) -> None:
    for (section, key), value in kiosk_config(windowed_size).items():
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
