"""The font faces Kivy's SDL2 text provider keeps open, fewer and released between visitors.

The provider keeps an open SDL_ttf font (a FreeType face of its own, its glyph cache, a HarfBuzz font) for
every distinct ``str(font_size)``, bold and file, up to 64, for the life of the process, and a face of Noto
Sans CJK holds ~2.5 MiB (the CFF tables FreeType copies from the file, more with the glyph cache at large
sizes). A tour of every screen, both languages and large text, asks for ~60 faces: ~30 of the CJK font,
~30 of the icon font; heaptrack counted ~125 MiB of FreeType, HarfBuzz and SDL allocations live mid-tour.

- ``share_faces_per_pixel_size``: SDL_ttf renders at ``int(font_size)``, but sizes computed in .kv rules
  (``app.theme.display * 1.3``, a width over a factor, a label shrunk to fit) come out as floats, so 57.2 and
  57.8 were two faces of one pixel size (measured: ten sizes between 44 and 45 took 25 MiB, one face 2.5).
- ``close_font_faces``: after each visitor (the session wipe), every cached face is closed; the next label
  that renders text opens the one it needs again (a millisecond or two). Kivy has no call for this: its
  cache is a module-level ``cdef dict`` of the compiled ``kivy.core.text._text_sdl2``, with the list of its
  keys in opening order beside it. Their addresses come from the module's own symbol table and the address
  it is loaded at; anything unexpected (another provider, a stripped build, other names or types) leaves
  the faces open, as before.

Import only after ``kiosk.bootstrap.configure_kivy``.
"""

from __future__ import annotations

import ctypes
import logging
import os
import struct
from functools import lru_cache

from kivy.core.text import Label as CoreLabel

log = logging.getLogger(__name__)

# The options besides the size that make SDL_ttf open another face (kivy.core.text.text_sdl2.LabelSDL2).
_FACE_OPTIONS = ("font_name_r", "bold", "italic", "underline", "strikethrough")
# The provider's cache of open faces (font id -> face) and its keys in opening order, as Cython names them.
_CACHE_SYMBOL = b"__pyx_v_4kivy_4core_4text_10_text_sdl2_sdl2_cache"
_ORDER_SYMBOL = b"__pyx_v_4kivy_4core_4text_10_text_sdl2_sdl2_cache_order"
_SHT_SYMTAB = 2


def _face_id(label) -> str:
    options = label.options
    return "|".join([str(int(options["font_size"]))] + [str(options[name]) for name in _FACE_OPTIONS])


def share_faces_per_pixel_size() -> None:
    """Key Kivy's font cache by the pixel size SDL_ttf renders at. Only the SDL2 provider has that cache."""
    if CoreLabel.__name__ == "LabelSDL2":
        CoreLabel._get_font_id = _face_id


def _symbol_offsets(path: str, names: tuple[bytes, ...]) -> dict[bytes, int]:
    """Offsets of ``names`` from the load address of a 64-bit little-endian ELF file, from its symbol table."""
    with open(path, "rb") as file:
        data = file.read()
    if data[:6] != b"\x7fELF\x02\x01":
        return {}
    (section_table,) = struct.unpack_from("<Q", data, 0x28)
    entry_size, count = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, section_table + i * entry_size) for i in range(count)]
    found: dict[bytes, int] = {}
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, symbol_size in sections:
        if kind != _SHT_SYMTAB:
            continue
        strings = sections[link][4]
        for symbol in range(offset, offset + size, symbol_size):
            name_at, _info, _other, _section, value, _size = struct.unpack_from("<IBBHQQ", data, symbol)
            start = strings + name_at
            name = data[start : data.index(b"\0", start)]
            if name in names:
                found[name] = value
    return found


def _load_address(path: str) -> int | None:
    real = os.path.realpath(path)
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) > 5 and fields[5] == real and int(fields[2], 16) == 0:
                return int(fields[0].split("-")[0], 16)
    return None


@lru_cache(maxsize=1)
def _open_faces() -> tuple[dict, list] | None:
    """The provider's cache and its order list, or None when they cannot be found as expected."""
    if CoreLabel.__name__ != "LabelSDL2":
        return None
    try:
        from kivy.core.text import _text_sdl2

        path = _text_sdl2.__file__
        offsets = _symbol_offsets(path, (_CACHE_SYMBOL, _ORDER_SYMBOL))
        base = _load_address(path)
        if base is None or len(offsets) != 2:
            log.info("Kivy's font cache was not found in %s: font faces stay open", path)
            return None
        pointers = [ctypes.c_void_p.from_address(base + offsets[name]).value for name in (_CACHE_SYMBOL, _ORDER_SYMBOL)]
        if not all(pointers):
            return None
        cache, order = (ctypes.cast(pointer, ctypes.py_object).value for pointer in pointers)
    except (OSError, ValueError, struct.error, ImportError) as exc:
        log.info("Kivy's font cache was not found: font faces stay open (%s)", exc)
        return None
    if type(cache) is not dict or type(order) is not list:
        return None
    return cache, order


def close_font_faces() -> int:
    """Close every font face Kivy keeps open; returns how many. On the UI thread, between frames (no label is
    rendering then). Labels already drawn keep their textures; the next text rendered reopens its face."""
    found = _open_faces()
    if found is None:
        return 0
    cache, order = found
    closed = len(cache)
    # Both together: the provider evicts the oldest id in the list from the dict once it holds 64.
    order.clear()
    cache.clear()
    return closed
