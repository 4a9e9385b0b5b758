"""One font face per pixel size: Kivy's SDL2 text provider keeps an open SDL_ttf font (a FreeType face of its
own) for every distinct ``str(font_size)``, up to 64, while SDL_ttf renders at ``int(font_size)``. Sizes
computed in .kv rules (``app.theme.display * 1.3``, a width over a factor, a label shrunk to fit) come out as
floats, so 57.2 and 57.8 were two faces of the same pixel size, and each face of Noto Sans CJK holds ~2.5 MiB
(measured: ten sizes between 44 and 45 took 25 MiB, one face 2.5). Keyed by the pixel size, the faces a tour
opens are shared, and the ones the day's layouts would add (a width halfway through a slide) are not opened.

Import only after ``kiosk.bootstrap.configure_kivy``.
"""

from __future__ import annotations

from kivy.core.text import Label as CoreLabel

# The options besides the size that make SDL_ttf open another face (kivy.core.text.text_sdl2.LabelSDL2).
_FACE_OPTIONS = ("font_name_r", "bold", "italic", "underline", "strikethrough")


def _face_id(label) -> str:
    options = label.options
    return "|".join([str(int(options["font_size"]))] + [str(options[name]) for name in _FACE_OPTIONS])


def share_faces_per_pixel_size() -> None:
    """Key Kivy's font cache by the pixel size SDL_ttf renders at. Only the SDL2 provider has that cache."""
    if CoreLabel.__name__ == "LabelSDL2":
        CoreLabel._get_font_id = _face_id
