"""``open_scanner``: the one entry point, choosing the backend from the configuration at run time."""

from __future__ import annotations

from services.devices.scanner.base import OnScan, OnState, Scanner, ScannerConfig
from services.devices.scanner.camera import CameraScanner
from services.devices.scanner.reporting import ReportingScanner, ScanReporter
from services.devices.scanner.serial_scanner import SerialScanner
from services.devices.scanner.simulator import SimulatorScanner
from services.devices.scanner.wedge import HidScanner


class NoScanner(ReportingScanner):
    """kind "none": a terminal without a scanner; always "off"."""

    def __init__(self, config: ScannerConfig, on_scan: OnScan, on_state: OnState):
        self._reporter = ScanReporter("none", on_scan, on_state, config.repeat_window_seconds)
        self._reporter.detail = "no scanner configured"

    def describe(self) -> str:
        return "no scanner"

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


_BACKENDS = {"serial": SerialScanner, "hid": HidScanner, "camera": CameraScanner,
             "simulator": SimulatorScanner, "none": NoScanner}


def open_scanner(config: ScannerConfig, on_scan: OnScan, on_state: OnState) -> Scanner:
    """A scanner for ``config.kind``, not yet started. ``on_scan(scan)`` and ``on_state(state, detail)`` run
    on the scanner's own threads (HID: on the thread that calls ``feed_key``); an exception they raise is
    logged and the scanner keeps reading."""
    try:
        backend = _BACKENDS[config.kind]
    except KeyError:
        raise ValueError(f"unknown scanner kind {config.kind!r}; expected one of {sorted(_BACKENDS)}") from None
    return backend(config, on_scan, on_state)
