"""Colour palettes and type scale for the themes, as plain data (no Kivy) so tests can check contrast.

Every foreground/background pair that carries text is listed in TEXT_PAIRS and
must reach the WCAG AA ratio of 4.5:1 (shared/ux.md).
"""

from __future__ import annotations

PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "background": "#F2F4F7",
        "surface": "#FFFFFF",
        "surface_pressed": "#DCE6F5",
        "border": "#C5CEDB",
        "text": "#16191D",
        "text_muted": "#47505C",
        "header": "#0B3C8C",
        "header_text": "#FFFFFF",
        "primary": "#0B5CC4",
        "primary_pressed": "#083F88",
        "primary_text": "#FFFFFF",
        "accent": "#B3201A",
        "accent_pressed": "#7F1712",
        "accent_text": "#FFFFFF",
        "ticker": "#FFF4D6",
        "ticker_text": "#4A3500",
        "success": "#1B6E3A",
        "warning": "#8A4B00",
    },
    "dark": {
        "background": "#111418",
        "surface": "#1D232B",
        "surface_pressed": "#2F3A48",
        "border": "#3A4552",
        "text": "#F2F4F7",
        "text_muted": "#B9C2CE",
        "header": "#0A2A5E",
        "header_text": "#FFFFFF",
        "primary": "#3D8BFD",
        "primary_pressed": "#5B9DFF",
        "primary_text": "#0B0E12",
        "accent": "#FF8A80",
        "accent_pressed": "#E06A60",
        "accent_text": "#1A0000",
        "ticker": "#3A2F10",
        "ticker_text": "#FFE8A8",
        "success": "#7BD88F",
        "warning": "#FFB74D",
    },
    "high_contrast": {
        "background": "#000000",
        "surface": "#000000",
        "surface_pressed": "#333333",
        "border": "#FFFFFF",
        "text": "#FFFFFF",
        "text_muted": "#FFFF66",
        "header": "#000000",
        "header_text": "#FFFF00",
        "primary": "#FFFF00",
        "primary_pressed": "#CCCC00",
        "primary_text": "#000000",
        "accent": "#FFFFFF",
        "accent_pressed": "#CCCCCC",
        "accent_text": "#000000",
        "ticker": "#000000",
        "ticker_text": "#FFFF00",
        "success": "#66FF66",
        "warning": "#FFCC00",
    },
}

# (foreground, background) pairs that carry text somewhere on screen.
TEXT_PAIRS = (
    ("text", "background"),
    ("text", "surface"),
    ("text", "surface_pressed"),
    ("text_muted", "background"),
    ("text_muted", "surface"),
    ("header_text", "header"),
    ("primary_text", "primary"),
    ("primary_text", "primary_pressed"),
    ("accent_text", "accent"),
    ("accent_text", "accent_pressed"),
    ("ticker_text", "ticker"),
    ("success", "surface"),
    ("warning", "surface"),
)

# Type scale in dp. Elder mode multiplies by ELDER_SCALE; both meet shared/ux.md (body >= 18 dp,
# the largest text on a main screen >= 30 dp, touch targets >= 44 dp and >= 60 dp in elder mode).
TYPE_SCALE = {"small": 18, "body": 22, "large": 28, "title": 34, "display": 44}
TOUCH_TARGET = {"normal": 64, "elder": 76}
ELDER_SCALE = 1.25


def hex_to_rgba(value: str) -> tuple[float, float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)) + (1.0,)


def relative_luminance(value: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = hex_to_rgba(value)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
