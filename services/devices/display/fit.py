"""How the kiosk's window covers its display, decided before the window opens and checked while it runs.

Full screen in SDL (and so in Kivy) is a request to the window manager. A desktop or a kiosk compositor
(cage) honours it; a bare X server has nobody to ask, and the window would stay at SDL's 800x600 in the
middle of the screen while Kivy lays out for the whole display. So: with a window manager (or on Wayland)
ask for full screen, and open the window over the whole display anyway, so that nothing is cut off if the
request is ignored; on a bare X server place a borderless window over the display ourselves, and place it
again when the display changes size or turns (kiosk.display_keeper).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from services.devices.display.rect import Rect
from services.devices.display.sdl import SdlUnavailable, SdlVideo
from services.devices.display.x11 import X11Display, X11Unavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WindowPlan:
    """``place_ourselves``: no window manager will size the window, the kiosk does (and follows changes)."""

    display: Rect
    place_ourselves: bool
    driver: str

    @property
    def fullscreen(self) -> str:
        """Kivy's graphics.fullscreen: "auto" asks for full screen at the display's size, "0" does not ask."""
        return "0" if self.place_ourselves else "auto"

    def describe(self) -> str:
        how = "placed by the kiosk (no window manager)" if self.place_ourselves else "full screen by the window manager"
        return f"display {self.display} on {self.driver or 'an unknown video driver'}: {how}"


def plan_window(display: Rect, driver: str, window_manager: bool | None) -> WindowPlan:
    """``window_manager``: True / False on X11, None where it cannot be asked (Wayland: the compositor sizes)."""
    return WindowPlan(display=display, place_ourselves=driver == "x11" and window_manager is False, driver=driver)


def probe_window_plan() -> WindowPlan | None:
    """Measure the primary display before Kivy opens its window; None when SDL cannot see one (Kivy will say why)."""
    try:
        with SdlVideo() as video:
            driver, display = video.driver(), video.display_bounds(0)
    except SdlUnavailable as exc:
        log.warning("cannot measure the display before opening the window: %s", exc)
        return None
    window_manager = None
    if driver == "x11":
        try:
            with X11Display() as x11:
                window_manager = x11.window_manager_running()
                display = x11.monitor_for() or display
        except X11Unavailable as exc:
            log.warning("cannot ask the X server about its window manager: %s", exc)
    plan = plan_window(display, driver, window_manager)
    log.info("kiosk window: %s", plan.describe())
    return plan
