"""The App's screens by name, each built (module, .kv and widgets) the first time it is asked for.

Only the home screen is needed for the first frame; ``build_rest_later`` builds the others one per
frame after it, so a visitor's first tap still finds its screen ready.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from kivy.clock import Clock

# name -> "module:class"; the module (and its .kv) is imported when the screen is first built.
SCREEN_CLASSES = {
    "home": "screens.home:HomeScreen",
    "guide": "screens.guide:GuideScreen",
    "search": "screens.search:SearchScreen",
    "detail": "screens.detail:DetailScreen",
    "services": "screens.service_list:ServiceListScreen",
    "checkin": "screens.checkin:CheckinScreen",
    "feedback_category": "screens.feedback:FeedbackCategoryScreen",
    "feedback_rating": "screens.feedback:FeedbackRatingScreen",
    "feedback_text": "screens.feedback_entry:FeedbackTextScreen",
    "feedback_phone": "screens.feedback_entry:FeedbackPhoneScreen",
    "feedback_review": "screens.feedback_receipt:FeedbackReviewScreen",
    "feedback_receipt": "screens.feedback_receipt:FeedbackReceiptScreen",
    "maintenance": "screens.maintenance:MaintenanceScreen",
}


class ScreenSet(dict):
    """``screens[name]`` builds a missing screen, adds it to the manager and hands it to ``on_built``;
    ``get``, ``in`` and ``values()`` see only the screens built so far."""

    def __init__(self, manager, on_built: Callable[[object], None]):
        super().__init__()
        self._manager = manager
        self._on_built = on_built

    def __missing__(self, name: str):
        module, class_name = SCREEN_CLASSES[name].split(":")
        screen = getattr(importlib.import_module(module), class_name)()
        self[name] = screen
        self._manager.add_widget(screen)
        self._on_built(screen)
        return screen

    def build_rest_later(self) -> None:
        """Build the screens not built yet, one per frame, in SCREEN_CLASSES order."""
        waiting = [name for name in SCREEN_CLASSES if name not in self]

        def build_next(_dt):
            while waiting:
                name = waiting.pop(0)
                if name not in self:  # a tap may have built it already
                    self[name]
                    break
            if waiting:
                Clock.schedule_once(build_next)

        if waiting:
            Clock.schedule_once(build_next)
