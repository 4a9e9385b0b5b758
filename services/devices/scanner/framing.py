"""Line framing for byte-stream scanners (serial and the pty simulator), as a pyserial ``Protocol``.

A line ends at CR, LF or CRLF; blank lines are skipped, which also counts a CRLF once however its two bytes
are split across reads. An AIM symbology identifier (``]`` + code letter + modifier, e.g. ``]Q1``) at the
start is stripped. NUL bytes are dropped (line noise and padding). Decoding: UTF-8 if the bytes are valid UTF-8, else GBK (with
``encoding="auto"``); bytes that do not decode, or text with control characters, are reported as
unreadable with a best-effort rendering. A line longer than ``max_line`` bytes is reported as unreadable
once, as soon as it overflows, and the rest of it is discarded up to its end; the next line reads normally.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import serial.threaded

from services.devices.scanner.base import Problem

_LINE_END = re.compile(rb"[\r\n]")
_AIM_PREFIX = re.compile(rb"\][A-Za-z][0-9A-Za-z]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc, exactly

# (text, problem): problem is None for a good scan.
OnLine = Callable[[str, "Problem | None"], None]


def decode_line(raw: bytes, encoding: str = "auto") -> tuple[str, Problem | None]:
    """The text of one line (terminator already removed) and what is wrong with it, if anything."""
    raw = raw.replace(b"\0", b"")
    if _AIM_PREFIX.match(raw):
        raw = raw[3:]
    text = _decode(raw, encoding)
    if text is None:
        return raw.decode("utf-8", "backslashreplace"), "undecodable"
    text = text.strip(" \t")
    if _CONTROL.search(text):
        return text.encode("unicode_escape").decode("ascii"), "control_characters"
    return text, None


def _decode(raw: bytes, encoding: str) -> str | None:
    for codec in ("utf-8", "gbk") if encoding == "auto" else (encoding,):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


class ScanLineReader(serial.threaded.Protocol):
    """Frames and decodes lines, then hands ``(text, problem)`` to ``on_line``; blank lines are skipped.

    ``on_lost(exc)`` is told when the reader loop ends (unplugged, closed), instead of raising as the
    pyserial base class does, so that a supervisor can reconnect.
    """

    def __init__(self, on_line: OnLine, on_lost: Callable[[BaseException | None], None] = lambda exc: None,
                 encoding: str = "auto", max_line: int = 4096):
        self.on_line = on_line
        self.on_lost = on_lost
        self.encoding = encoding
        self.max_line = max_line
        self._buffer = bytearray()
        self._discarding = False  # inside an over-long line, already reported

    def data_received(self, data: bytes) -> None:
        position = 0
        for end in _LINE_END.finditer(data):
            self._take(data[position:end.start()])
            self._end_line()
            position = end.end()
        self._take(data[position:])

    def connection_lost(self, exc: BaseException | None) -> None:
        self._buffer.clear()  # a half-read line will not be finished by another connection
        self._discarding = False
        self.on_lost(exc)

    def _take(self, chunk: bytes) -> None:
        if self._discarding or not chunk:
            return
        self._buffer += chunk
        if len(self._buffer) > self.max_line:
            head = bytes(self._buffer[:64]).decode("utf-8", "backslashreplace")
            self._buffer.clear()
            self._discarding = True
            self.on_line(head, "too_long")

    def _end_line(self) -> None:
        if self._discarding:
            self._discarding = False
            return
        raw = bytes(self._buffer)
        self._buffer.clear()
        text, problem = decode_line(raw, self.encoding)
        if text or problem:
            self.on_line(text, problem)
