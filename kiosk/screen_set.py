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
    "guide": "kiosk.guide.guide_screen:GuideScreen",
    "search": "kiosk.guide.search_screen:SearchScreen",
    "detail": "kiosk.guide.detail_screen:DetailScreen",
    "services": "kiosk.guide.service_list_screen:ServiceListScreen",
    "checkin": "kiosk.checkin.screen:CheckinScreen",
    "feedback_category": "kiosk.feedback.choice_screens:FeedbackCategoryScreen",
    "feedback_rating": "kiosk.feedback.choice_screens:FeedbackRatingScreen",
    "feedback_text": "kiosk.feedback.entry_screens:FeedbackTextScreen",
    "feedback_phone": "kiosk.feedback.entry_screens:FeedbackPhoneScreen",
    "feedback_review": "kiosk.feedback.receipt_screens:FeedbackReviewScreen",
    "feedback_receipt": "kiosk.feedback.receipt_screens:FeedbackReceiptScreen",
    "matters": "kiosk.matters.board_screen:MattersBoardScreen",
    "convention": "kiosk.matters.convention_screen:ConventionScreen",
    "volunteers": "kiosk.volunteers.screen:VolunteersScreen",
    "wishes": "kiosk.wishes.screen:WishWallScreen",
    "booking": "kiosk.booking.screens:BookingScreen",
    "booking_form": "kiosk.booking.screens:BookingFormScreen",
    "booking_pass": "kiosk.booking.screens:BookingPassScreen",
    "queue_pick": "kiosk.queue.screens:QueuePickScreen",
    "queue_phone": "kiosk.queue.screens:QueuePhoneScreen",
    "queue_ticket": "kiosk.queue.screens:QueueTicketScreen",
    "queue_rate": "kiosk.queue.screens:QueueRateScreen",
    "maintenance": "kiosk.maintenance.screen:MaintenanceScreen",
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
