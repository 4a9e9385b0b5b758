"""The visit's controller (kiosk/usage/controller.py) with the real local store: a visit ends in one usage_visit
record in the outbox, or in none with ``usage.enabled`` off. The App is stood in for by a plain object holding
what ``KioskHost`` gives the controller (settings, store, language, screen): the controller reads nothing else."""

from __future__ import annotations

import time

import pytest

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import load_settings
from kiosk.usage.controller import UsageController, module_of
from services.storage.outbox import Outbox
from services.usage.visit import VisitRecorder


class _Host:
    def __init__(self, store, enabled: bool):
        settings = load_settings(DEFAULT_SETTINGS_FILE)
        self.kiosk_settings = settings.model_copy(update={"usage": settings.usage.model_copy(
            update={"enabled": enabled})})
        self.store, self.lang, self.current_screen = store, "en", "detail"

    def bind(self, **_handlers) -> None:
        """Kivy property bindings: the screen and text-size handlers are called by the test itself."""


def _queued(store, seconds: float = 5) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch = Outbox(store).next_batch(10)
        if batch:
            return batch
        time.sleep(0.05)
    return []


@pytest.mark.parametrize("enabled", [True, False])
def test_a_visit_is_queued_once_when_it_ends_and_not_at_all_when_usage_is_off(store, enabled):
    host = _Host(store, enabled)
    usage = UsageController(host, VisitRecorder())
    usage.tap()
    usage._on_screen(host, "search")
    usage.recorder.searched("sbk", 3, ["RS-001"])
    usage.recorder.viewed("RS-001", "search")
    usage.end(at_home=False)
    queued = _queued(store, 5 if enabled else 1)
    if not enabled:
        assert queued == [] and not usage.recorder.active
        return
    [record] = queued
    assert record.kind == "usage_visit"
    assert (record.payload["language"], record.payload["modules"], record.payload["ended"]) == ("en", ["guide"], "idle")
    usage.end(at_home=True)  # nothing happened since: no second record
    time.sleep(0.3)
    assert len(Outbox(store).next_batch(10)) == 1


def test_screens_belong_to_their_modules():
    assert [module_of(name) for name in ("search", "detail", "checkin", "feedback_phone", "home")] == [
        "guide", "guide", "checkin", "feedback", None]
