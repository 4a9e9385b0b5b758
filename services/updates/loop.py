"""The Updater on its own thread, so a download never holds up the sync engine or the screen."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from services.sync.api import ServerApi, SyncError
from services.sync.identity import load_identity
from services.updates.updater import Updater

log = logging.getLogger(__name__)


class UpdateLoop:
    def __init__(self, updater: Updater, data_dir: Path, healthy: Callable[[], bool],
                 interval: Callable[[], float] = lambda: 60.0):
        self.updater = updater
        self.data_dir = data_dir
        self.healthy = healthy  # True once a heartbeat the server answered went out since the start
        self.interval = interval  # seconds between checks, asked before each wait (the settings may change)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="updates", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """Check now rather than at the end of the wait: the maintenance window has just opened."""
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait(5 if not self.healthy() else self.interval())
            self._wake.clear()
            if self._stop.is_set():
                return
            if not self.healthy():
                continue
            identity = load_identity(self.data_dir)
            if identity is None:
                continue
            api = ServerApi(identity.server_url, identity.token)
            try:
                log.info("update check: %s", self.updater.check_once(api))
            except (SyncError, OSError) as exc:
                log.warning("update check failed, tried again later: %s", exc)
            finally:
                api.close()
