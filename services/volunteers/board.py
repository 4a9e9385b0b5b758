"""The volunteer board (wire.VolunteerBoard) fetched from the server and kept in the local store, so the screen
shows the last one "as of HH:MM" while the server cannot be reached; a ticket's hours need the server."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from common import wire
from services.storage.store import LocalStore
from services.sync.api import ServerApi, SyncError

log = logging.getLogger(__name__)
BOARD_KEY = "volunteer_board"
# What the desk-style providers give: a client of the enrolled terminal, or None when not enrolled.
ApiProvider = Callable[[], ServerApi | None]


@dataclass(frozen=True)
class BoardView:
    board: wire.VolunteerBoard | None  # None: never fetched
    fresh: bool  # fetched just now; False: the kept copy, from board.generated_at


@dataclass(frozen=True)
class HoursLookup:
    answer: wire.VolunteerHoursAnswer | None  # None: the server could not be asked
    reason: str = ""  # why not (for logs)


class VolunteerBoardSource:
    """``refresh`` and ``lookup`` do network I/O: call them from a worker thread."""

    def __init__(self, store: LocalStore, api: ApiProvider):
        self._store = store
        self._api = api

    def kept(self) -> wire.VolunteerBoard | None:
        text = self._store.get_state(BOARD_KEY)
        if not text:
            return None
        try:
            return wire.VolunteerBoard.model_validate_json(text)
        except ValidationError:
            log.warning("the kept volunteer board is unreadable; waiting for the next one")
            return None

    def refresh(self) -> BoardView:
        """The server's board (kept for later), or the kept one when the server cannot be asked."""
        api = self._api()
        if api is not None:
            try:
                board = api.volunteer_board()
            except SyncError as exc:
                log.info("volunteer board not fetched: %s", exc)
            else:
                self._store.set_state(BOARD_KEY, board.model_dump_json())
                return BoardView(board, True)
        return BoardView(self.kept(), False)

    def lookup(self, code: str) -> HoursLookup:
        api = self._api()
        if api is None:
            return HoursLookup(None, "not enrolled")
        try:
            return HoursLookup(api.volunteer_hours(code[:wire.MAX_CHECKIN_CODE_CHARS]))
        except SyncError as exc:
            return HoursLookup(None, str(exc))


def signup_url(server_url: str, activity: wire.VolunteerActivity) -> str:
    """The activity's phone sign-up page (server/events/public.py, /e/<id>)."""
    return f"{server_url.rstrip('/')}/e/{activity.id}"


def upcoming(board: wire.VolunteerBoard, now: datetime) -> list[wire.VolunteerActivity]:
    """The board's activities not over by ``now`` (a kept board may be hours old), soonest first."""
    return sorted((a for a in board.activities if a.ends_at > now), key=lambda a: (a.starts_at, a.id))


def as_of(board: wire.VolunteerBoard) -> str:
    """HH:MM (local) of when the server made the board; with the date when it is not today."""
    local = board.generated_at.astimezone()
    today = datetime.now(UTC).astimezone().date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")
