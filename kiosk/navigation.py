"""Screen navigation with a back stack; home clears it."""

from __future__ import annotations

from collections.abc import Callable

HOME = "home"


class Navigator:
    def __init__(self, manager, ensure_screen: Callable[[str], object] = lambda _name: None):
        self.manager = manager
        # Called with a screen's name before going to it: screens are built when first needed.
        self.ensure_screen = ensure_screen
        self.history: list[str] = []

    @property
    def current(self) -> str:
        return self.manager.current

    def go(self, name: str) -> None:
        if name == self.current:
            return
        self.ensure_screen(name)
        self.history.append(self.current)
        self.manager.transition.direction = "left"
        self.manager.current = name

    def back(self) -> None:
        if not self.history:
            self.home()
            return
        self.manager.transition.direction = "right"
        self.manager.current = self.history.pop()

    def home(self) -> None:
        self.history.clear()
        if self.current != HOME:
            self.manager.transition.direction = "right"
            self.manager.current = HOME
