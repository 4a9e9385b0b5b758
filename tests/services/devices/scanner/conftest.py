"""Scanner tests: real pty pairs standing in for serial scanners, and polling with generous deadlines."""

from __future__ import annotations

import os
import threading
import time
import tty
from collections.abc import Callable

import pytest

from services.devices.scanner import Scan, ScannerConfig, open_scanner

# Generous: the machine is shared and slow; these are deadlines, never expected durations.
DEADLINE = 30.0


def wait_for(condition: Callable[[], object], what: str, deadline: float = DEADLINE):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        result = condition()
        if result:
            return result
        time.sleep(0.01)
    pytest.fail(f"timed out waiting for {what}")


class Collector:
    """Records what a scanner reports from its threads."""

    def __init__(self):
        self.scans: list[Scan] = []
        self.states: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def on_scan(self, scan: Scan) -> None:
        with self._lock:
            self.scans.append(scan)

    def on_state(self, state: str, detail: str) -> None:
        with self._lock:
            self.states.append((state, detail))

    def texts(self) -> list[str]:
        with self._lock:
            return [scan.text if scan.readable else f"<{scan.problem}>" for scan in self.scans]

    def wait_texts(self, count: int) -> list[str]:
        return wait_for(lambda: len(self.texts()) >= count and self.texts(), f"{count} scans, got {self.texts()}")


class Pty:
    """A pty pair: tests write to the master as a scanner would; the slave path is the "serial port"."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # bytes written before pyserial opens the port must not be cooked either
        self.path = os.ttyname(self.slave)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.master, view):]

    def unplug(self) -> None:
        for fd in (self.master, self.slave):
            if fd >= 0:
                os.close(fd)
        self.master = self.slave = -1


@pytest.fixture
def make_pty():
    made: list[Pty] = []

    def make() -> Pty:
        made.append(Pty())
        return made[-1]

    yield make
    for pty in made:
        pty.unplug()


@pytest.fixture
def run_scanner():
    """Opens and starts scanners with a Collector; always stops them."""
    started = []

    def run(config: ScannerConfig, collector: Collector | None = None):
        collector = collector or Collector()
        scanner = open_scanner(config, collector.on_scan, collector.on_state)
        started.append(scanner)
        scanner.start()
        return scanner, collector

    yield run
    for scanner in started:
        scanner.stop()
