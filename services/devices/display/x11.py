"""What an X server says of itself, through ctypes on libX11 and libXrandr: its monitors, and whether a
window manager runs.

A kiosk PC often runs the app on a bare X server (no window manager), where nothing honours a request for
full screen and nobody resizes the window when the panel turns. Each question is a round trip to the server,
so the answer is current (SDL keeps the sizes it saw at start).

An EWMH window manager announces itself with ``_NET_SUPPORTING_WM_CHECK`` on the root window, naming a child
window that carries the same property; a stale property left by a window manager that died names a window
that no longer exists, and does not count.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass

from services.devices.display.rect import Rect

_XA_WINDOW = 33  # the predefined atom WINDOW
_SUCCESS = 0

_ErrorHandler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


@_ErrorHandler
def _ignore_x_error(_display, _event) -> int:
    # Xlib's default handler exits the process on BadWindow; a missing window is an answer here.
    return 0


class X11Unavailable(RuntimeError):
    """No libX11 / libXrandr, or no X server at $DISPLAY."""


class _MonitorInfo(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_ulong), ("primary", ctypes.c_int), ("automatic", ctypes.c_int),
        ("noutput", ctypes.c_int), ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
        ("height", ctypes.c_int), ("mwidth", ctypes.c_int), ("mheight", ctypes.c_int),
        ("outputs", ctypes.c_void_p),
    ]


@dataclass(frozen=True)
class Monitor:
    rect: Rect
    primary: bool


def _library(name: str) -> ctypes.CDLL:
    path = ctypes.util.find_library(name)
    if path is None:
        raise X11Unavailable(f"lib{name} is not installed")
    try:
        return ctypes.CDLL(path)
    except OSError as exc:
        raise X11Unavailable(f"cannot load lib{name}: {exc}") from exc


def _declare(xlib: ctypes.CDLL, xrandr: ctypes.CDLL) -> None:
    ulong_p, int_p = ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int)
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    xlib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    xlib.XDefaultRootWindow.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XGetWindowProperty.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long, ctypes.c_int,
        ctypes.c_ulong, ulong_p, int_p, ulong_p, ulong_p, ctypes.POINTER(ctypes.c_void_p),
    ]
    xlib.XFree.argtypes = [ctypes.c_void_p]
    xlib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    xlib.XSetErrorHandler.argtypes = [ctypes.c_void_p]
    xlib.XSetErrorHandler.restype = ctypes.c_void_p
    xrandr.XRRGetMonitors.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, int_p]
    xrandr.XRRGetMonitors.restype = ctypes.POINTER(_MonitorInfo)
    xrandr.XRRFreeMonitors.argtypes = [ctypes.POINTER(_MonitorInfo)]


class X11Display:
    """A connection of our own to the X server at $DISPLAY (or ``name``), closed by ``close()``."""

    def __init__(self, name: str | None = None) -> None:
        self._xlib, self._xrandr = _library("X11"), _library("Xrandr")
        _declare(self._xlib, self._xrandr)
        self._display = self._xlib.XOpenDisplay(name.encode() if name else None)
        if not self._display:
            raise X11Unavailable(f"cannot open X display {name or '$DISPLAY'}")
        self._root = self._xlib.XDefaultRootWindow(self._display)

    def close(self) -> None:
        if self._display:
            self._xlib.XCloseDisplay(self._display)
            self._display = None

    def __enter__(self) -> X11Display:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def monitors(self) -> list[Monitor]:
        """The active monitors (RandR 1.5), as the server has them now."""
        count = ctypes.c_int()
        found = self._xrandr.XRRGetMonitors(self._display, self._root, 1, ctypes.byref(count))
        if not found:
            return []
        try:
            return [Monitor(Rect(m.x, m.y, m.width, m.height), bool(m.primary))
                    for m in (found[i] for i in range(count.value))]
        finally:
            self._xrandr.XRRFreeMonitors(found)

    def monitor_for(self, window: Rect | None = None) -> Rect | None:
        """The monitor under the window's centre; else the primary one; else the first."""
        monitors = self.monitors()
        if window is not None:
            cx, cy = window.x + window.width // 2, window.y + window.height // 2
            for monitor in monitors:
                r = monitor.rect
                if r.x <= cx < r.x + r.width and r.y <= cy < r.y + r.height:
                    return r
        primary = [m.rect for m in monitors if m.primary]
        return (primary or [m.rect for m in monitors] or [None])[0]

    def window_manager_running(self) -> bool:
        xlib = self._xlib
        previous = xlib.XSetErrorHandler(ctypes.cast(_ignore_x_error, ctypes.c_void_p))
        try:
            atom = xlib.XInternAtom(self._display, b"_NET_SUPPORTING_WM_CHECK", 1)
            if not atom:
                return False  # no client ever named the atom: no EWMH window manager has run here
            child = self._supporting_window(self._root, atom)
            running = child is not None and self._supporting_window(child, atom) == child
            xlib.XSync(self._display, 0)
            return running
        finally:
            xlib.XSetErrorHandler(previous)

    def _supporting_window(self, window: int, atom: int) -> int | None:
        """The window named by ``window``'s _NET_SUPPORTING_WM_CHECK property, or None."""
        xlib = self._xlib
        actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
        count, remaining, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = xlib.XGetWindowProperty(self._display, window, atom, 0, 1, 0, _XA_WINDOW, ctypes.byref(actual_type),
                                         ctypes.byref(actual_format), ctypes.byref(count), ctypes.byref(remaining),
                                         ctypes.byref(data))
        try:
            if status != _SUCCESS or actual_type.value != _XA_WINDOW or count.value < 1 or not data.value:
                return None
            return ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))[0]
        finally:
            if data.value:
                xlib.XFree(data)
