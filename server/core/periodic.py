"""Work every server process may do now and then (scheduled backups, alert rules): a daemon thread per process
that runs each job every ``interval`` seconds. The jobs themselves are safe when several processes run them at
once (each claims its work in the database), so no process is special."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from server.core.clock import utcnow
from server.core.config import ServerSettings

log = logging.getLogger(__name__)

Job = Callable[[ServerSettings, datetime], object]


class PeriodicJobs:
    def __init__(self, settings: ServerSettings, jobs: Sequence[Job]) -> None:
        self._settings = settings
        self._jobs = tuple(jobs)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="periodic-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    def run_once(self) -> None:
        for job in self._jobs:
            if self._stopping.is_set():
                return
            try:
                job(self._settings, utcnow())
            except Exception:  # one failing job must not stop the others, nor the next round
                log.exception("periodic job %s failed", getattr(job, "__qualname__", job))

    def _run(self) -> None:
        # The first round soon after start (a server restarted after the backup hour makes the day's copy).
        while not self._stopping.wait(min(5.0, self._settings.operations_interval_seconds)):
            self.run_once()
            if self._stopping.wait(self._settings.operations_interval_seconds):
                return
