"""Results from a controller's worker threads, handed to the UI thread through a queue (drained by a Clock trigger)."""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def drain(events: queue.Queue, handlers: dict[str, Callable[[Any], None]], what: str) -> None:
    """Handle every ``(kind, payload)`` waiting, on the UI thread; one handler's bug never stops the next event."""
    while True:
        try:
            kind, payload = events.get_nowait()
        except queue.Empty:
            return
        try:
            handlers[kind](payload)
        except Exception:
            log.exception("handling %s event %s failed", what, kind)
