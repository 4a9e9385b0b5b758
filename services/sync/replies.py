"""Command results and screenshots waiting to be sent, kept in the store until the server has them."""

from __future__ import annotations

from dataclasses import dataclass

from common.wire import CommandOutcome
from services.storage.store import LocalStore


@dataclass(frozen=True)
class QueuedReply:
    seq: int
    command_id: int
    kind: str  # "result" (body: CommandOutcome JSON), "screenshot" (body: PNG) or "logs" (body: UTF-8 text)
    body: bytes


class CommandReplies:
    def __init__(self, store: LocalStore):
        self._store = store

    def add_result(self, outcome: CommandOutcome) -> None:
        self._add(outcome.command_id, "result", outcome.model_dump_json().encode())

    def add_screenshot(self, command_id: int, png: bytes) -> None:
        self._add(command_id, "screenshot", png)

    def add_logs(self, command_id: int, text: str) -> None:
        self._add(command_id, "logs", text.encode())

    def oldest(self) -> QueuedReply | None:
        with self._store.transaction() as db:
            row = db.execute("SELECT * FROM command_replies ORDER BY seq LIMIT 1").fetchone()
        return QueuedReply(row["seq"], row["command_id"], row["kind"], bytes(row["body"])) if row else None

    def remove(self, seq: int) -> None:
        with self._store.transaction() as db:
            db.execute("DELETE FROM command_replies WHERE seq = ?", (seq,))

    def _add(self, command_id: int, kind: str, body: bytes) -> None:
        with self._store.transaction() as db:
            db.execute("INSERT INTO command_replies (command_id, kind, body) VALUES (?, ?, ?)", (command_id, kind, body))
