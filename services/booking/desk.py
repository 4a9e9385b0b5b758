"""The kiosk's booking desk: every call goes to the server, which alone decides (no double booking across
terminals and phones), so without it the desk answers None and the screen says booking needs the server.

Calls block (a request with the terminal's short timeout): run them on a worker thread, never the UI thread.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from common.wire import BookingGrid, BookingOutcome, BookingRequest, PassScan, PassVerdict
from services.checkin.online import TerminalApi
from services.sync.api import SyncError

log = logging.getLogger(__name__)


@dataclass
class BookingDraft:
    """What the visitor is booking; ``request_id`` stays the same for every try of this booking, so a retry
    after a timeout cannot book twice."""

    space_id: int
    starts_at: datetime
    name: str = ""
    company: str = ""
    phone: str = ""
    request_id: str = ""

    def __post_init__(self) -> None:
        self.request_id = self.request_id or str(uuid.uuid4())

    def request(self) -> BookingRequest:
        return BookingRequest(id=self.request_id, space_id=self.space_id, starts_at=self.starts_at,
                              name=self.name, company=self.company, phone=self.phone)


class BookingDesk:
    def __init__(self, api: TerminalApi):
        self._api = api

    def grid(self) -> BookingGrid | None:
        """The spaces and their free slots, or None when the server cannot be asked."""
        return self._ask("slots", lambda api: api.booking_slots())

    def book(self, draft: BookingDraft) -> BookingOutcome | None:
        request = draft.request()
        return self._ask("book", lambda api: api.book(request))

    def check_pass(self, code: str, space_ids: list[int]) -> PassVerdict | None:
        scan = PassScan(code=code[:512], space_ids=space_ids)
        return self._ask("pass check-in", lambda api: api.check_pass(scan))

    def _ask(self, what: str, call):
        api = self._api()
        if api is None:
            return None
        try:
            return call(api)
        except SyncError as exc:
            log.warning("booking %s: %s", what, exc)
            return None
