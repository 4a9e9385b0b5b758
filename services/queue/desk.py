"""The kiosk's queue desk: take a number (the server decides it, so offline there is none), follow the calls
the window staff make, and rate a served number by its scanned slip. Every call blocks on the network: call
it from a worker thread, never the UI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from common.queue_wire import QueueCall, QueueNumber, QueueRefused, QueueWindowState, SlipAnswer, SlipRating, TakeNumber
from services.sync.api import ServerApi, SyncError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Offline:
    """The server could not be asked (not enrolled, unreachable, or it failed): no number without it."""

    reason: str


class QueueDesk:
    def __init__(self, api: Callable[[], ServerApi | None]):
        self._api = api
        # The last call seen; None until the first poll learns where the list stands (old calls are not announced).
        self._last_call: int | None = None

    def take(self, service_code: str, phone: str | None, lang: str) -> QueueNumber | QueueRefused | Offline:
        api = self._api()
        if api is None:
            return Offline("not enrolled")
        try:
            return api.take_number(TakeNumber(service_code=service_code, phone=phone or None, locale=lang))
        except SyncError as exc:
            log.warning("taking a number failed: %s", exc)
            return Offline(str(exc))

    def windows(self) -> list[QueueWindowState] | Offline:
        api = self._api()
        if api is None:
            return Offline("not enrolled")
        try:
            return api.queue_windows()
        except SyncError as exc:
            log.warning("asking for the windows failed: %s", exc)
            return Offline(str(exc))

    def new_calls(self) -> list[QueueCall]:
        """Calls made since the last poll (none on the first); raises SyncError when the server is not there."""
        api = self._api()
        if api is None:
            return []
        answer = api.queue_calls(self._last_call)
        fresh = answer.calls if self._last_call is not None else []
        self._last_call = answer.last_id
        return fresh

    def slip(self, token: str) -> SlipAnswer | Offline:
        api = self._api()
        if api is None:
            return Offline("not enrolled")
        try:
            return api.look_up_slip(token)
        except SyncError as exc:
            return Offline(str(exc))

    def rate(self, token: str, rating: int, reason: str, lang: str) -> SlipAnswer | Offline:
        api = self._api()
        if api is None:
            return Offline("not enrolled")
        try:
            return api.rate_slip(SlipRating(token=token, rating=rating, reason=reason or None, locale=lang))
        except SyncError as exc:
            log.warning("rating a slip failed: %s", exc)
            return Offline(str(exc))
