"""The server client the desk asks online: this terminal's credential, the short check-in timeout.

Its own HTTP session (the sync worker has another), rebuilt when ``terminal.json`` changes, e.g. after
an enrolment by QR.
"""

from __future__ import annotations

import threading
from pathlib import Path

from services.sync.api import ServerApi
from services.sync.identity import IDENTITY_FILE, load_identity


class TerminalApi:
    """Call it for a ``ServerApi`` of the enrolled terminal, or None when it is not enrolled."""

    def __init__(self, data_dir: Path, timeout_seconds: float):
        self._data_dir = data_dir
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._api: ServerApi | None = None

    def __call__(self) -> ServerApi | None:
        try:
            status = (self._data_dir / IDENTITY_FILE).stat()
            stamp = (status.st_mtime_ns, status.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._replace(stamp)
            if self._api is not None:
                # Connecting and answering share the budget: a visitor waits at most timeout_seconds in all.
                self._api.timeout = (self.timeout_seconds / 2, self.timeout_seconds / 2)
            return self._api

    def close(self) -> None:
        with self._lock:
            if self._api is not None:
                self._api.close()
            self._api, self._stamp = None, None

    def _replace(self, stamp: tuple[int, int] | None) -> None:
        if self._api is not None:
            self._api.close()
        identity = load_identity(self._data_dir) if stamp is not None else None
        self._api = ServerApi(identity.server_url, identity.token) if identity is not None else None
        self._stamp = stamp
