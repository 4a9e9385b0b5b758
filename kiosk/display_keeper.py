"""Keeps the kiosk's window over its whole display while it runs: the panel turned, resized, or replaced.

Only where nobody else does (a bare X server, see ``services.devices.display.fit``); a window manager or a kiosk
compositor keeps a full-screen window at the display's size itself. Checked on the Kivy clock, on the UI
thread that owns the window: two small X round trips every couple of seconds.
"""

from __future__ import annotations

import logging

from kivy.clock import Clock
from kivy.core.window import Window

from services.devices.display.fit import WindowPlan
from services.devices.display.sdl import SdlUnavailable, SdlVideo
from services.devices.display.x11 import X11Display, X11Unavailable

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0


class DisplayKeeper:
    def __init__(self, plan: WindowPlan | None):
        self.plan = plan
        self._video: SdlVideo | None = None
        self._x11: X11Display | None = None
        self._event = None

    def start(self) -> None:
        """Once the window exists."""
        if self.plan is None or not self.plan.place_ourselves:
            return
        try:
            self._video, self._x11 = SdlVideo(), X11Display()
        except (SdlUnavailable, X11Unavailable) as exc:
            log.warning("cannot keep the window over the display: %s", exc)
            self.stop()
            return
        self.check()
        self._event = Clock.schedule_interval(self.check, CHECK_SECONDS)

    def check(self, _dt: float = 0) -> None:
        try:
            window = self._video.window_rect()
        except SdlUnavailable as exc:
            log.warning("cannot measure the window: %s", exc)
            return
        display = self._x11.monitor_for(window)
        if display is not None and window != display:
            log.info("window %s does not cover display %s: placing it", window, display)
            self._video.place_window(display)
            # SDL reports no resize it made itself: Kivy lays out again for the new size when told.
            Window.size = (display.width, display.height)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        for part in (self._video, self._x11):
            if part is not None:
                part.close()
        self._video = self._x11 = None
