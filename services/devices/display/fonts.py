"""Finding a font that renders Chinese, so no screen ever shows tofu boxes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from common.paths import ASSETS_DIR

FONTS_DIR = ASSETS_DIR / "fonts"
ICON_FONT = FONTS_DIR / "MaterialDesignIcons.ttf"
# The bundled Simplified Chinese face first; installed fonts only as a fallback.
_CANDIDATES = (
    (FONTS_DIR / "NotoSansCJKsc-Regular.otf", FONTS_DIR / "NotoSansCJKsc-Bold.otf"),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"), Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Bold.otf")),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), None),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), None),
)


class FontNotFoundError(RuntimeError):
    pass


@dataclass(frozen=True)
class CjkFont:
    regular: Path
    bold: Path  # the regular face when no bold one exists


def resolve_cjk_font(candidates=_CANDIDATES) -> CjkFont:
    for regular, bold in candidates:
        if regular.is_file():
            return CjkFont(regular, bold if bold is not None and bold.is_file() else regular)
    searched = ", ".join(str(regular) for regular, _ in candidates)
    raise FontNotFoundError(
        f"no font that can show Chinese was found (looked for {searched}); "
        "restore assets/fonts from the repository or install Debian's fonts-noto-cjk"
    )
