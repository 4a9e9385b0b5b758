"""Screen navigation with a back stack; home clears it."""

from __future__ import annotations

HOME = "home"


class Navigator:
    def __init__(self, manager):
        self.manager = manager
        self.history: list[str] = []

    @property
    def current(self) -> str:
        return self.manager.current

    def go(self, name: str) -> None:
        if name == self.current:
            return
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
