"""The serial backend on real pty pairs: pyserial opens the slave path, the test writes to the master."""

from __future__ import annotations

import os
import random
import threading

from services.devices.scanner import ScannerConfig
from tests.services.devices.scanner.conftest import Collector, wait_for


def serial_config(path: str, **overrides) -> ScannerConfig:
    return ScannerConfig(kind="serial", port=path, reconnect_max_seconds=0.5, **overrides)


def ready(scanner) -> bool:
    return scanner.state == "ready"


def test_reads_lines_with_every_ending_prefix_and_encoding(make_pty, run_scanner):
    pty = make_pty()
    scanner, got = run_scanner(serial_config(pty.path))
    wait_for(lambda: ready(scanner), "the port to open")
    pty.write(b"LK1:CR\rLK1:LF\nLK1:CRLF\r\n]Q1LK1:AIM\r\n" + "签到".encode() + b"\r\n"
              + "欢迎".encode("gbk") + b"\r\n")
    assert got.wait_texts(6) == ["LK1:CR", "LK1:LF", "LK1:CRLF", "LK1:AIM", "签到", "欢迎"]
    assert {scan.source for scan in got.scans} == {"serial"}
    assert all(scan.received_at.utcoffset().total_seconds() == 0 for scan in got.scans)


def test_byte_by_byte_writes_make_one_scan(make_pty, run_scanner):
    pty = make_pty()
    scanner, got = run_scanner(serial_config(pty.path))
    wait_for(lambda: ready(scanner), "the port to open")
    for byte in b"]Q1LK1:SLOW-WRITER\r\n":
        pty.write(bytes([byte]))
    assert got.wait_texts(1) == ["LK1:SLOW-WRITER"]


def test_hostile_input_is_unreadable_and_the_reader_keeps_reading(make_pty, run_scanner):
    pty = make_pty()
    scanner, got = run_scanner(serial_config(pty.path))
    wait_for(lambda: ready(scanner), "the port to open")
    pty.write(b"X" * 10240 + b"\n")
    pty.write(b"\xff\xfe\x80garbage\x81\n")
    pty.write(b"\0\0\0\n")
    pty.write(b"LK1:\0AFTER\n")
    assert got.wait_texts(3) == ["<too_long>", "<undecodable>", "LK1:AFTER"]
    assert scanner.state == "ready"


def test_random_bytes_do_not_stop_the_reader(make_pty, run_scanner):
    pty = make_pty()
    scanner, got = run_scanner(serial_config(pty.path))
    wait_for(lambda: ready(scanner), "the port to open")
    pty.write(random.Random(5).randbytes(20000) + b"\nLK1:SURVIVED\n")
    wait_for(lambda: "LK1:SURVIVED" in got.texts(), "the line after the garbage")
    assert scanner.state == "ready"


def test_the_same_code_within_the_window_counts_once(make_pty, run_scanner):
    pty = make_pty()
    scanner, got = run_scanner(serial_config(pty.path, repeat_window_seconds=600))
    wait_for(lambda: ready(scanner), "the port to open")
    pty.write(b"LK1:A\nLK1:A\r\nLK1:B\nLK1:A\n\xff\n\xfe\nLK1:END\n")
    assert got.wait_texts(4) == ["LK1:A", "LK1:B", "<undecodable>", "LK1:END"]


def test_a_failing_callback_does_not_kill_the_reader(make_pty, run_scanner):
    pty = make_pty()
    got = Collector()
    seen = []

    class Failing(Collector):
        def on_scan(self, scan):
            seen.append(scan.text)
            if len(seen) == 1:
                raise RuntimeError("kiosk bug")
            got.on_scan(scan)

    scanner, _ = run_scanner(serial_config(pty.path), Failing())
    wait_for(lambda: ready(scanner), "the port to open")
    pty.write(b"LK1:FIRST\nLK1:SECOND\n")
    assert got.wait_texts(1) == ["LK1:SECOND"]
    assert seen == ["LK1:FIRST", "LK1:SECOND"]


def test_unplug_and_replug_reconnects(make_pty, run_scanner, tmp_path):
    link = tmp_path / "ttyScanner"
    first = make_pty()
    os.symlink(first.path, link)
    scanner, got = run_scanner(serial_config(str(link)))
    wait_for(lambda: ready(scanner), "the port to open")
    first.write(b"LK1:BEFORE\n")
    got.wait_texts(1)

    os.unlink(link)  # as udev removes /dev/serial/by-id/...; a stale link could meet another test's pty
    first.unplug()
    wait_for(lambda: scanner.state == "disconnected", "the unplug to be noticed")

    second = make_pty()
    os.symlink(second.path, link)
    wait_for(lambda: ready(scanner), "the port to reopen")
    second.write(b"LK1:AFTER\n")
    assert got.wait_texts(2) == ["LK1:BEFORE", "LK1:AFTER"]
    assert [state for state, _ in got.states] == ["ready", "disconnected", "ready"]


def test_a_missing_port_is_disconnected_until_it_appears(make_pty, run_scanner, tmp_path):
    link = tmp_path / "ttyLate"
    scanner, got = run_scanner(serial_config(str(link)))
    wait_for(lambda: scanner.state == "disconnected", "the missing port to be reported")
    assert str(link) in scanner.detail
    pty = make_pty()
    os.symlink(pty.path, link)
    wait_for(lambda: ready(scanner), "the port to open once it exists")
    pty.write(b"LK1:LATE\n")
    assert got.wait_texts(1) == ["LK1:LATE"]


def test_stop_ends_every_scanner_thread(make_pty, run_scanner):
    pty = make_pty()
    scanner, got = run_scanner(serial_config(pty.path))
    wait_for(lambda: ready(scanner), "the port to open")
    scanner.stop()
    assert scanner.state == "off"
    assert not [t for t in threading.enumerate() if t.name.startswith("scanner-serial") and t.is_alive()]
