"""The rotating phone check-in code: a TOTP-style code (RFC 6238) per event that changes every ``step`` seconds.

The kiosk shows it in a QR; the server accepts the current step and ``drift_steps`` steps before it,
so a code photographed and sent on stops working within a minute or so.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

CODE_DIGITS = 8


def current_code(secret: bytes, event_id: int, at: datetime, step: int = 30) -> str:
    """The 8-digit code of ``event_id`` for the time step that holds ``at`` (an aware datetime)."""
    return _code(secret, event_id, _counter(at, step))


def verify_code(secret: bytes, event_id: int, code: str, at: datetime, step: int = 30, drift_steps: int = 1) -> bool:
    """Whether ``code`` is the code of ``event_id`` at ``at`` or up to ``drift_steps`` steps before it."""
    if not isinstance(code, str) or len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        return False
    counter = _counter(at, step)
    # Check every candidate step without stopping early: the time taken says nothing about which one matched.
    matches = [hmac.compare_digest(_code(secret, event_id, counter - back), code) for back in range(drift_steps + 1)]
    return any(matches)


def _counter(at: datetime, step: int) -> int:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("the time must be an aware datetime (UTC)")
    if step <= 0:
        raise ValueError(f"step must be positive, not {step}")
    return int(at.timestamp()) // step


def _code(secret: bytes, event_id: int, counter: int) -> str:
    # RFC 6238 over (event id, time step) instead of the time step alone, so each event has its own codes.
    message = event_id.to_bytes(8, "big", signed=True) + counter.to_bytes(8, "big", signed=True)
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 10**CODE_DIGITS:0{CODE_DIGITS}d}"
