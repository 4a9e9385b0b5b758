"""A stand-in for systemd's side of sd_notify, for the watchdog test: systemd cannot run as PID 1 in a test run
(no real systemd here, and none in CI), so this listens on a NOTIFY_SOCKET as systemd does for Type=notify
services and records every message with the time it arrived. systemd restarts a service whose WATCHDOG=1 pings
stop for WatchdogSec; the test checks that the kiosk's pings stop while its UI thread hangs, and only then."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path


class NotifySupervisor:
    def __init__(self, path: Path):
        self.path = path
        self.messages: list[tuple[float, str]] = []  # (time.monotonic(), message): comparable across processes
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(str(path))
        self._socket.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)

    def __enter__(self) -> NotifySupervisor:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._socket.recv(4096)
            except TimeoutError:
                continue
            for line in data.decode().splitlines():
                self.messages.append((time.monotonic(), line))

    def pings(self) -> list[float]:
        return [at for at, message in self.messages if message == "WATCHDOG=1"]

    def would_restart_between(self, start: float, end: float, watchdog_seconds: float) -> bool:
        """True when no ping came for ``watchdog_seconds`` somewhere within [start, end + watchdog_seconds]."""
        pings = [at for at in self.pings() if start <= at <= end + watchdog_seconds]
        edges = [start, *pings, end + watchdog_seconds]
        return any(b - a >= watchdog_seconds for a, b in zip(edges, edges[1:], strict=False))
