"""The kiosk's recent log lines, kept in memory for the upload_logs command.

A handler on the root logger: it sees what the root logger's level lets through, so the raised log level that
lapses by itself (settings: log.raised_level) applies to the uploaded lines too. Bounded in lines and per line,
so months of running never grow it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

MAX_LINES = 5000
MAX_LINE_CHARS = 2000
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class LogRing(logging.Handler):
    def __init__(self, capacity: int = MAX_LINES):
        super().__init__()
        self._lines: deque[str] = deque(maxlen=capacity)
        self._guard = threading.Lock()
        self.setFormatter(logging.Formatter(_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a bad format argument must not break logging
            text = f"{record.levelname} {record.name}: {record.msg!r}"
        with self._guard:
            for line in text.splitlines() or [""]:
                self._lines.append(line[:MAX_LINE_CHARS])

    def recent(self, lines: int, max_bytes: int) -> str:
        """The last ``lines`` lines, oldest first, dropping the oldest until the UTF-8 text fits ``max_bytes``."""
        with self._guard:
            picked = list(self._lines)[-lines:] if lines > 0 else []
        size = sum(len(line.encode()) + 1 for line in picked)
        start = 0
        while size > max_bytes and start < len(picked):
            size -= len(picked[start].encode()) + 1
            start += 1
        return "".join(line + "\n" for line in picked[start:])


_ring: LogRing | None = None


def install() -> LogRing:
    """The ring on the root logger (once per process)."""
    global _ring
    if _ring is None:
        _ring = LogRing()
        logging.getLogger().addHandler(_ring)
    return _ring


def recent(lines: int, max_bytes: int) -> str:
    return _ring.recent(lines, max_bytes) if _ring is not None else ""
