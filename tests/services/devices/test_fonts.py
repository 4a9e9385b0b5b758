"""The Chinese font: bundled, found, really draws Chinese, and licensed."""

from __future__ import annotations

import re

import pytest
from PIL import ImageFont

from services.devices.display.fonts import FONTS_DIR, ICON_FONT, FontNotFoundError, resolve_cjk_font

FONT_SUFFIXES = (".otf", ".ttf", ".ttc")


def test_bundled_font_resolves_first():
    font = resolve_cjk_font()
    assert font.regular.is_file() and font.bold.is_file()
    assert font.regular.parent == FONTS_DIR
    assert ICON_FONT.is_file()


def test_resolved_font_draws_chinese_not_tofu():
    face = ImageFont.truetype(str(resolve_cjk_font().regular), 48)

    def glyph(char):
        return bytes(face.getmask(char))

    missing = glyph(chr(0x10FFFD))  # a private-use code point: the font's "missing glyph" box
    assert glyph("社") != missing and glyph("保") != missing
    assert glyph("社") != glyph("保")


def test_no_candidate_names_every_path_looked_at(tmp_path):
    candidates = ((tmp_path / "a-Regular.otf", tmp_path / "a-Bold.otf"), (tmp_path / "b.ttc", None))
    with pytest.raises(FontNotFoundError) as caught:
        resolve_cjk_font(candidates)
    for regular, _bold in candidates:
        assert str(regular) in str(caught.value)


def test_fallback_without_bold_uses_regular(tmp_path):
    fallback = tmp_path / "fallback.otf"
    fallback.symlink_to(resolve_cjk_font().regular)
    font = resolve_cjk_font(((tmp_path / "missing.otf", None), (fallback, None)))
    assert font.regular == fallback and font.bold == fallback


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


@pytest.mark.parametrize("font", sorted(p.name for p in FONTS_DIR.iterdir() if p.suffix in FONT_SUFFIXES))
def test_every_font_has_a_licence_next_to_it(font):
    family = font.split("-")[0].rsplit(".", 1)[0]  # NotoSansCJKsc-Regular.otf -> NotoSansCJKsc
    licences = list(FONTS_DIR.glob("LICENSE-*.txt"))
    naming = [p.name for p in licences if _squashed(family) in _squashed(p.read_text(encoding="utf-8"))]
    assert naming, f"no LICENSE-*.txt in {FONTS_DIR} names {family}"
