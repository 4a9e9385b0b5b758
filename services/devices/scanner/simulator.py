"""A scanner simulator for the demo and tests: a pty pair whose slave path anyone can write codes to,
``echo 'LK1:...' > /dev/pts/N``, read from the master side through the same framing as a serial scanner.

The slave is put in raw mode (so CR and LF arrive as written) and kept open by the simulator itself, so the
master does not see a hang-up each time a writer such as ``echo`` closes it.
"""

from __future__ import annotations

import os
import select
import threading
import tty

from services.devices.scanner.base import OnScan, OnState, ScannerConfig
from services.devices.scanner.framing import ScanLineReader
from services.devices.scanner.reporting import ReportingScanner, ScanReporter


class SimulatorScanner(ReportingScanner):
    def __init__(self, config: ScannerConfig, on_scan: OnScan, on_state: OnState):
        self.config = config
        self._reporter = ScanReporter("simulator", on_scan, on_state, config.repeat_window_seconds)
        self._master = self._slave = -1
        self._wake_read = self._wake_write = -1
        self._slave_path = ""
        self._reader: threading.Thread | None = None

    def describe(self) -> str:
        """The pty slave path to write codes to ("/dev/pts/N"); empty when not started."""
        return self._slave_path

    def start(self) -> None:
        if self._reader is not None:
            return
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self._slave_path = os.ttyname(self._slave)
        self._wake_read, self._wake_write = os.pipe()
        protocol = ScanLineReader(self._reporter.line, encoding=self.config.encoding,
                                  max_line=self.config.max_line)
        self._reader = threading.Thread(target=self._read, args=(protocol,), name="scanner-simulator",
                                        daemon=True)
        self._reader.start()
        self._reporter.set_state("ready", f"simulator: write codes to {self._slave_path}")

    def stop(self) -> None:
        if self._reader is None:
            return
        os.write(self._wake_write, b"x")
        self._reader.join(timeout=5)
        self._reader = None
        for fd in (self._master, self._slave, self._wake_read, self._wake_write):
            os.close(fd)
        self._master = self._slave = self._wake_read = self._wake_write = -1
        self._slave_path = ""
        self._reporter.set_state("off", "stopped")

    def _read(self, protocol: ScanLineReader) -> None:
        protocol.connection_made(None)
        error: BaseException | None = None
        while True:
            ready, _, _ = select.select([self._master, self._wake_read], [], [])
            if self._wake_read in ready:
                break
            try:
                data = os.read(self._master, 4096)
            except OSError as exc:  # cannot happen while we hold the slave open; end rather than spin
                error = exc
                break
            protocol.data_received(data)
        protocol.connection_lost(error)
        if error is not None:
            self._reporter.set_state("disconnected", f"simulator pty failed: {error}")
