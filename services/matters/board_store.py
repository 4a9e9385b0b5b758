"""The building-matters board (common.wire.MattersBoard) as the terminal keeps it: the last good document from the
server in the local store, with when it arrived, so the board and the convention show offline ("as of HH:MM")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from common import wire
from services.storage.store import LocalStore

BOARD_KEY = "matters_board"
FETCHED_AT_KEY = "matters_board_fetched_at"


class MattersBoardError(ValueError):
    pass


@dataclass(frozen=True)
class KeptBoard:
    board: wire.MattersBoard
    # When it arrived; every later heartbeat whose ETag matched confirms it (SyncStatus.last_sync_at).
    fetched_at: datetime


def parse_board(document: object, source: str) -> wire.MattersBoard:
    try:
        return wire.MattersBoard.model_validate(document)
    except ValidationError as exc:
        raise MattersBoardError(f"{source}: {exc.error_count()} problem(s), first: "
                                f"{exc.errors(include_url=False, include_input=False)[0]}") from None


class MattersBoardStore:
    def __init__(self, store: LocalStore):
        self._store = store

    def replace(self, board: wire.MattersBoard, now: datetime | None = None) -> KeptBoard:
        fetched_at = now or datetime.now(UTC)
        self._store.set_state(BOARD_KEY, board.model_dump_json())
        self._store.set_state(FETCHED_AT_KEY, fetched_at.isoformat())
        return KeptBoard(board, fetched_at)

    def load(self) -> KeptBoard | None:
        """The kept board; None before the first one arrived, or when what is kept no longer reads (a newer
        kiosk's format): the next sync fetches it again."""
        document, fetched = self._store.get_state(BOARD_KEY), self._store.get_state(FETCHED_AT_KEY)
        if document is None or fetched is None:
            return None
        try:
            return KeptBoard(wire.MattersBoard.model_validate_json(document), datetime.fromisoformat(fetched))
        except (ValidationError, ValueError):
            return None
