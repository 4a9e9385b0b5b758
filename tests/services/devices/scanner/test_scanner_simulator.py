"""The pty simulator: anyone can scan with `echo ... > /dev/pts/N`, read through the serial framing."""

from __future__ import annotations

import os
import re
import subprocess
import threading

from services.devices.scanner import ScannerConfig


def test_echo_to_the_slave_path_is_a_scan(run_scanner):
    scanner, got = run_scanner(ScannerConfig(kind="simulator"))
    path = scanner.describe()
    assert re.fullmatch(r"/dev/pts/\d+", path)
    assert scanner.state == "ready"
    subprocess.run(["sh", "-c", f"echo 'LK1:ECHOED' > {path}"], check=True, timeout=30)
    subprocess.run(["sh", "-c", f"printf ']Q1LK1:PRINTF\\r\\n' > {path}"], check=True, timeout=30)
    assert got.wait_texts(2) == ["LK1:ECHOED", "LK1:PRINTF"]
    assert {scan.source for scan in got.scans} == {"simulator"}


def test_writers_come_and_go_and_hostile_lines_are_unreadable(run_scanner):
    scanner, got = run_scanner(ScannerConfig(kind="simulator"))
    for data in (b"X" * 10240 + b"\n", "签到".encode("gbk") + b"\n", b"LK1:LAST\n"):
        with open(scanner.describe(), "wb", buffering=0) as port:
            port.write(data)
    assert got.wait_texts(3) == ["<too_long>", "签到", "LK1:LAST"]


def test_stop_closes_every_descriptor_and_thread(run_scanner):
    open_before = set(os.listdir("/proc/self/fd"))
    scanner, got = run_scanner(ScannerConfig(kind="simulator"))
    assert set(os.listdir("/proc/self/fd")) - open_before
    scanner.stop()
    assert scanner.state == "off"
    assert scanner.describe() == ""
    assert [state for state, _ in got.states] == ["ready", "off"]
    assert set(os.listdir("/proc/self/fd")) - open_before == set()
    assert not [t for t in threading.enumerate() if t.name == "scanner-simulator" and t.is_alive()]
