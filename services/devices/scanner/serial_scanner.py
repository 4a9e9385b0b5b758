"""A serial / USB-CDC scanner through pyserial, reconnected by a supervisor thread.

pyserial's ``ReaderThread`` ends for good when the port fails (scanner unplugged); the supervisor then closes
it, reports "disconnected", and reopens the port (and a new reader) with exponential backoff until the
scanner is back. The port path may be a symlink (a udev ``/dev/serial/by-id/...`` name) that changes target.
"""

from __future__ import annotations

import random
import threading
import time

import serial
import serial.threaded

from services.devices.scanner.base import OnScan, OnState, ScannerConfig
from services.devices.scanner.framing import ScanLineReader
from services.devices.scanner.reporting import ReportingScanner, ScanReporter
from services.sync.backoff import Backoff


class SerialScanner(ReportingScanner):
    def __init__(self, config: ScannerConfig, on_scan: OnScan, on_state: OnState):
        self.config = config
        self._reporter = ScanReporter("serial", on_scan, on_state, config.repeat_window_seconds)
        self._stopping = threading.Event()
        self._lost = threading.Event()  # set by the reader when its loop ends, or by stop()
        self._lost_reason = ""
        self._supervisor: threading.Thread | None = None

    def describe(self) -> str:
        return f"{self.config.port} @ {self.config.baudrate} baud"

    def start(self) -> None:
        if self._supervisor is not None:
            return
        self._stopping.clear()
        self._supervisor = threading.Thread(target=self._supervise, name="scanner-serial", daemon=True)
        self._supervisor.start()

    def stop(self) -> None:
        if self._supervisor is None:
            return
        self._stopping.set()
        self._lost.set()
        self._supervisor.join(timeout=5)
        self._supervisor = None
        self._reporter.set_state("off", "stopped")

    def _supervise(self) -> None:
        backoff = Backoff(random.Random(), base=0.1, cap=self.config.reconnect_max_seconds)
        while not self._stopping.is_set():
            try:
                port = serial.Serial(self.config.port, self.config.baudrate)
            except (serial.SerialException, OSError, ValueError) as exc:
                self._reporter.set_state("disconnected", f"cannot open {self.config.port}: {exc}")
                self._stopping.wait(backoff.next_delay())
                continue
            self._lost.clear()
            if self._stopping.is_set():  # stop() came between open and clear: do not wait for a loss
                self._lost.set()
            reader = serial.threaded.ReaderThread(port, self._new_protocol)
            reader.name = "scanner-serial-reader"
            reader.start()
            self._reporter.set_state("ready", f"reading {self.describe()}")
            opened_at = time.monotonic()
            self._lost.wait()
            reader.close()  # stops the read loop at once (cancel_read), then closes the port
            if self._stopping.is_set():
                break
            self._reporter.set_state("disconnected", f"{self.config.port} lost: {self._lost_reason}")
            if time.monotonic() - opened_at > self.config.reconnect_max_seconds:
                backoff.reset()  # it had been working: try again soon; a port that keeps failing waits longer
            self._stopping.wait(backoff.next_delay())

    def _new_protocol(self) -> ScanLineReader:
        return ScanLineReader(self._reporter.line, self._on_lost,
                              encoding=self.config.encoding, max_line=self.config.max_line)

    def _on_lost(self, exc: BaseException | None) -> None:
        self._lost_reason = str(exc) if exc else "closed"
        self._lost.set()
