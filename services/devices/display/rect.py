"""A rectangle on the X screen or an SDL display, in pixels from the top-left corner."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def __str__(self) -> str:
        return f"{self.width}x{self.height}+{self.x}+{self.y}"
