"""What every scanner backend shares: its configuration, the scans it reports, its states and callbacks."""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

ScannerKind = Literal["serial", "hid", "camera", "simulator", "none"]
# ready: reading; disconnected: configured but the device is gone (retrying); off: not started, stopped or unusable.
ScannerState = Literal["ready", "disconnected", "off"]
# Why bytes that ended a line were not a scan (the kiosk shows "unreadable" rather than nothing).
Problem = Literal["undecodable", "control_characters", "too_long"]


@dataclass(frozen=True)
class ScannerConfig:
    kind: ScannerKind = "simulator"
    port: str = "/dev/ttyACM0"
    baudrate: int = 9600
    # "auto": UTF-8 when the bytes are valid UTF-8, else GBK; or any Python codec name, decoded strictly.
    encoding: str = "auto"
    repeat_window_seconds: float = 2.5
    camera_repeat_window_seconds: float = 5.0
    # Bytes in one line before it is discarded (up to its end) and reported once as unreadable.
    max_line: int = 4096
    camera_index: int = 0
    # Reconnect attempts back off exponentially up to this many seconds.
    reconnect_max_seconds: float = 5.0

    def __post_init__(self) -> None:
        # Checked here, so that a bad setting fails when the kiosk starts, not inside a reader thread.
        if self.encoding != "auto":
            codecs.lookup(self.encoding)  # LookupError names the unknown codec
        if self.max_line < 16:
            raise ValueError(f"scanner max_line must be at least 16 bytes, not {self.max_line}")
        if min(self.repeat_window_seconds, self.camera_repeat_window_seconds, self.reconnect_max_seconds) < 0:
            raise ValueError("scanner windows and delays cannot be negative")


@dataclass(frozen=True)
class Scan:
    # The decoded code. Unreadable: a rendering for the audit log (bad bytes and controls as \x.. escapes;
    # of an over-long line only its first 64 bytes).
    text: str
    source: ScannerKind
    at: float  # time.monotonic() when the line ended
    received_at: datetime  # aware, UTC
    problem: Problem | None = None

    @property
    def readable(self) -> bool:
        return self.problem is None


OnScan = Callable[[Scan], None]
OnState = Callable[[ScannerState, str], None]  # (state, detail in English for logs)


class Scanner(Protocol):
    state: ScannerState
    detail: str  # why the scanner is in its state, English, for logs

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def describe(self) -> str:
        """Where it reads from: the port, the simulator's pty slave path ("/dev/pts/N"), "camera 0", ..."""
        ...
