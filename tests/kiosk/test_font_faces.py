"""The font faces Kivy's SDL2 text provider keeps open: one per pixel size, and all closed between visitors
(kiosk.font_faces), with text measured the same before and after."""

from __future__ import annotations

from kivy.core.text import Label as CoreLabel

from kiosk.font_faces import _open_faces, close_font_faces, share_faces_per_pixel_size
from services.devices.display.fonts import resolve_cjk_font

TEXT = "社保卡办理 Social security card"


def _width(size: float) -> int:
    font = str(resolve_cjk_font().regular)
    return CoreLabel(text=TEXT, font_size=size, font_name=font).get_extents(TEXT)[0]


def test_faces_are_shared_per_pixel_size_and_closed_on_request():
    share_faces_per_pixel_size()
    found = _open_faces()
    assert found is not None, "Kivy's font cache is found in this Kivy build"
    cache, order = found
    close_font_faces()
    widths = [_width(size) for size in (44.0, 44.3, 44.8, 45.0)]
    assert len(cache) == len(order) == 2  # 44 and 45: SDL_ttf renders 44.3 and 44.8 at 44
    assert widths[0] == widths[1] == widths[2] < widths[3]

    assert close_font_faces() == 2
    assert cache == {} and order == []
    assert [_width(size) for size in (44.0, 45.0)] == [widths[0], widths[3]]  # opened again as needed
    assert len(cache) == 2
