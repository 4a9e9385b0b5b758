"""One visit, from the first touch to the idle reset, recorded anonymously as the visitor goes.

Every call is made on the UI thread at a tap, so each is a few attribute writes and list appends (under 0.1 ms:
bench/bench_usage_tap.py); the record (wire.UsageVisitRecord) is built once, when the visit ends. Nothing that
names the visitor is kept: no texts, no phone numbers, and a query that looks personal
(common.usage_privacy) is dropped, not recorded.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from common.usage_privacy import is_personal
from common.wire import MAX_USAGE_ITEMS, MAX_USAGE_QUERY_CHARS

# What ends a visit as "finished": the visitor got what they came for.
FINISHING = ("printed", "feedback", "checkin")
TOP_RESULTS = 3
# A guide's QR code counts as taken away when the guide (the QR beside it) stayed on screen this long: long
# enough to take out a phone and scan. The kiosk cannot see the scan itself.
QR_DWELL_SECONDS = 8.0


class _Search:
    __slots__ = ("query", "results", "top", "opened")

    def __init__(self) -> None:
        self.query, self.results, self.top, self.opened = "", 0, (), None


class VisitRecorder:
    """The visit in progress; ``finish`` hands back its payload and starts afresh."""

    def __init__(self, clock=time.monotonic, wall_clock=lambda: datetime.now(UTC)):
        self._clock, self._wall_clock = clock, wall_clock
        self._clear()

    def _clear(self) -> None:
        self.active = False
        self._started_mono = self._last_touch = 0.0
        self._started_at: datetime | None = None
        self._large_text = False
        self._modules: list[str] = []
        self._views: list[dict[str, Any]] = []
        self._searches: list[_Search] = []
        self._search: _Search | None = None  # the search being typed
        self._open_view: dict[str, Any] | None = None  # the guide on screen, and since when
        self._open_since = 0.0
        self._checkins = self._feedback = 0
        self._last_step = ""

    # -- taps (UI thread) ------------------------------------------------------------------------

    def touch(self) -> None:
        now = self._clock()
        if not self.active:
            self.active = True
            self._started_mono = now
            self._started_at = self._wall_clock()
        self._last_touch = now

    def idle_for(self) -> float:
        """Seconds since the last touch of an active visit."""
        return self._clock() - self._last_touch

    def large_text(self, on: bool) -> None:
        if on and self.active:
            self._large_text = True

    def module(self, key: str) -> None:
        if key not in self._modules:
            self._modules.append(key)
        self._last_step = "module"

    def searched(self, query: str, results: int, top: list[str]) -> None:
        """The query as typed so far and what it found: the search in progress becomes its final query."""
        if not self.active:
            return
        if not query.strip():
            self._search = None  # cleared: the next letter starts another search
            return
        search = self._search
        if search is None:
            if len(self._searches) >= MAX_USAGE_ITEMS:
                return
            search = self._search = _Search()
            self._searches.append(search)
        search.query, search.results, search.top = query, results, top[:TOP_RESULTS]

    def viewed(self, code: str, via: str) -> None:
        """A service's guide opened; from the search screen it is the search's chosen result."""
        if not self.active:
            return
        if via == "search" and self._search is not None:
            self._search.opened = code
            self._search = None
        self.left_guide()
        if len(self._views) < MAX_USAGE_ITEMS:
            self._open_view = {"code": code, "via": via, "qr_shown": False, "printed": False}
            self._open_since = self._clock()
            self._views.append(self._open_view)
        self._last_step = "view"

    def left_guide(self) -> None:
        """The service's guide (with its QR) is no longer on screen."""
        view = self._open_view
        if view is not None:
            view["qr_shown"] = self._clock() - self._open_since >= QR_DWELL_SECONDS
            self._open_view = None

    def printed(self, code: str) -> None:
        if not self.active:
            return
        for view in reversed(self._views):
            if view["code"] == code:
                view["printed"] = True
                break
        self._last_step = "printed"

    def counted(self, what: str) -> None:
        """A check-in or a feedback item sent: counted only. A ticket scanned without a touch is a visit too."""
        self.touch()
        if what == "checkin":
            self._checkins += 1
        else:
            self._feedback += 1
        self._last_step = what

    # -- the end of the visit --------------------------------------------------------------------

    def finish(self, language: str, at_home: bool) -> dict[str, Any] | None:
        """The visit's ``usage_visit`` payload (None: no visit since the last), and a fresh visit."""
        if not self.active:
            return None
        self.left_guide()  # a guide left on screen until the reset showed its QR all that time
        ended = "finished" if self._last_step in FINISHING else ("home" if at_home else "idle")
        started_at = self._started_at.replace(second=0, microsecond=0)  # the minute is enough
        searches = [
            {"query": s.query[:MAX_USAGE_QUERY_CHARS], "results": s.results, "top": list(s.top), "opened": s.opened}
            for s in self._searches if not is_personal(s.query)
        ]
        payload = {
            "started_at": started_at.isoformat(), "seconds": round(self._last_touch - self._started_mono),
            "language": language, "large_text": self._large_text, "modules": list(self._modules),
            "views": [dict(view) for view in self._views], "searches": searches, "checkins": self._checkins,
            "feedback": self._feedback, "ended": ended,
        }
        self._clear()
        return payload
