"""open_scanner chooses the backend from the configuration at run time."""

from __future__ import annotations

import pytest

from services.devices.scanner import ScannerConfig, open_scanner
from services.devices.scanner.camera import CameraScanner
from services.devices.scanner.serial_scanner import SerialScanner
from services.devices.scanner.simulator import SimulatorScanner
from services.devices.scanner.wedge import HidScanner
from tests.services.devices.scanner.conftest import wait_for


@pytest.mark.parametrize("kind, backend", [("serial", SerialScanner), ("hid", HidScanner),
                                           ("camera", CameraScanner), ("simulator", SimulatorScanner)])
def test_each_kind_has_its_backend(kind, backend):
    scanner = open_scanner(ScannerConfig(kind=kind), print, print)
    assert isinstance(scanner, backend)
    assert scanner.state == "off"  # nothing happens before start()


def test_none_stays_off(run_scanner):
    scanner, got = run_scanner(ScannerConfig(kind="none"))
    assert (scanner.state, scanner.describe()) == ("off", "no scanner")
    assert got.states == []


def test_an_unknown_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown scanner kind 'laser'"):
        open_scanner(ScannerConfig(kind="laser"), print, print)


def test_a_failing_state_callback_does_not_stop_the_scanner(make_pty):
    pty = make_pty()

    def fail(state, detail):
        raise RuntimeError("kiosk bug")

    scans = []
    scanner = open_scanner(ScannerConfig(kind="serial", port=pty.path), scans.append, fail)
    scanner.start()
    try:
        wait_for(lambda: scanner.state == "ready", "the port to open")
        pty.write(b"LK1:STILL\n")
        wait_for(lambda: scans, "a scan")
        assert scans[0].text == "LK1:STILL"
    finally:
        scanner.stop()


@pytest.mark.parametrize("bad, error", [({"encoding": "klingon"}, LookupError), ({"max_line": 3}, ValueError),
                                        ({"repeat_window_seconds": -1}, ValueError)])
def test_bad_settings_fail_when_configured(bad, error):
    with pytest.raises(error):
        ScannerConfig(kind="serial", **bad)
