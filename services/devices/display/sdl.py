"""The few SDL2 video calls Kivy does not expose, made through ctypes on the very SDL library Kivy uses.

Kivy's window asks SDL for "full screen" and believes it got it; on an X server with no window manager it
did not (SDL's full screen is a request to the window manager), so the kiosk measures the display and places
its window itself. SDL measures displays once, at start: services.devices.display.x11 measures them afresh.

The library is found where Kivy's own extension loaded it (or will load it), never a second copy: two SDLs
in one process would not share a window.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
from pathlib import Path

from services.devices.display.rect import Rect

SDL_INIT_VIDEO = 0x00000020


class SdlUnavailable(RuntimeError):
    """No SDL2 library could be loaded, or SDL has no video display (no X server, no Wayland compositor)."""


class _SdlRect(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("w", ctypes.c_int), ("h", ctypes.c_int)]


def _loaded_sdl() -> str | None:
    """The SDL2 core library already mapped into this process (Kivy's window loaded it), if any."""
    try:
        maps = Path("/proc/self/maps").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in maps.splitlines():
        path = line.rsplit(" ", 1)[-1]
        name = Path(path).name
        if name.startswith(("libSDL2-2", "libSDL2.so", "libSDL2-2.0.so")):
            return path
    return None


def _bundled_sdl() -> str | None:
    """The SDL2 that Kivy's wheel ships (Kivy.libs beside the kivy package), found without importing Kivy."""
    import importlib.util

    spec = importlib.util.find_spec("kivy")
    if spec is None or spec.origin is None:
        return None
    site = Path(spec.origin).resolve().parent.parent
    found = [p for p in glob.glob(str(site / "Kivy.libs" / "libSDL2-2*.so*"))
             if not any(part in Path(p).name for part in ("_ttf", "_image", "_mixer"))]
    return sorted(found)[0] if found else None


def _sdl_path() -> str:
    path = _loaded_sdl() or _bundled_sdl() or ctypes.util.find_library("SDL2")
    if path is None:
        raise SdlUnavailable("no SDL2 library found (Kivy's wheel ships one in Kivy.libs)")
    return path


class SdlVideo:
    """SDL's video subsystem, opened for as long as this object is used; ``close()`` releases our hold."""

    def __init__(self) -> None:
        try:
            self._sdl = ctypes.CDLL(_sdl_path())
        except OSError as exc:
            raise SdlUnavailable(f"cannot load SDL2: {exc}") from exc
        self._declare()
        if self._sdl.SDL_InitSubSystem(SDL_INIT_VIDEO) != 0:
            raise SdlUnavailable(f"SDL has no video: {self.error()}")
        self._open = True

    def _declare(self) -> None:
        sdl = self._sdl
        sdl.SDL_InitSubSystem.argtypes = [ctypes.c_uint32]
        sdl.SDL_QuitSubSystem.argtypes = [ctypes.c_uint32]
        sdl.SDL_GetError.restype = ctypes.c_char_p
        sdl.SDL_GetCurrentVideoDriver.restype = ctypes.c_char_p
        sdl.SDL_GetDisplayBounds.argtypes = [ctypes.c_int, ctypes.POINTER(_SdlRect)]
        sdl.SDL_GL_GetCurrentWindow.restype = ctypes.c_void_p
        int_p = ctypes.POINTER(ctypes.c_int)
        sdl.SDL_GetWindowPosition.argtypes = [ctypes.c_void_p, int_p, int_p]
        sdl.SDL_GetWindowSize.argtypes = [ctypes.c_void_p, int_p, int_p]
        sdl.SDL_SetWindowPosition.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        sdl.SDL_SetWindowSize.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]

    def error(self) -> str:
        return (self._sdl.SDL_GetError() or b"").decode("utf-8", "replace")

    def close(self) -> None:
        if self._open:
            self._sdl.SDL_QuitSubSystem(SDL_INIT_VIDEO)
            self._open = False

    def __enter__(self) -> SdlVideo:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # -- displays --------------------------------------------------------------------------------

    def driver(self) -> str:
        """"x11", "wayland", "kmsdrm"..."""
        return (self._sdl.SDL_GetCurrentVideoDriver() or b"").decode("ascii", "replace")

    def display_bounds(self, index: int = 0) -> Rect:
        rect = _SdlRect()
        if self._sdl.SDL_GetDisplayBounds(index, ctypes.byref(rect)) != 0:
            raise SdlUnavailable(f"no display {index}: {self.error()}")
        return Rect(rect.x, rect.y, rect.w, rect.h)

    # -- the kiosk's window (the GL window of the calling thread: Kivy's, on the UI thread) ----------

    def _window(self) -> int:
        window = self._sdl.SDL_GL_GetCurrentWindow()
        if not window:
            raise SdlUnavailable("no SDL window is current on this thread")
        return window

    def window_rect(self) -> Rect:
        window = self._window()
        x, y, w, h = ctypes.c_int(), ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        self._sdl.SDL_GetWindowPosition(window, ctypes.byref(x), ctypes.byref(y))
        self._sdl.SDL_GetWindowSize(window, ctypes.byref(w), ctypes.byref(h))
        return Rect(x.value, y.value, w.value, h.value)

    def place_window(self, rect: Rect) -> None:
        window = self._window()
        self._sdl.SDL_SetWindowSize(window, rect.width, rect.height)
        self._sdl.SDL_SetWindowPosition(window, rect.x, rect.y)
