"""The enrolment QR the console shows: ``LKENROL|<code>|<server_url>``, scanned with the kiosk's own scanner."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from common.wire import ENROLMENT_CODE_PATTERN
from services.sync.enrolment import redeem_code
from services.sync.identity import TerminalIdentity, save_identity

ENROLMENT_QR_PREFIX = "LKENROL|"
MAX_URL_CHARS = 200
_CODE = re.compile(ENROLMENT_CODE_PATTERN)
_URL_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")


class EnrolmentQrError(ValueError):
    """A text that is not an enrolment QR this kiosk will follow."""


def parse_enrolment_qr(text: str) -> tuple[str, str] | None:
    """``(code, server_url)`` from an enrolment QR text; None for anything else, a near miss included.

    Strict, as the text comes from a camera or scanner anyone can hold a code to: the code as the server
    makes them, an absolute http(s) URL of a host, no credentials, no spaces or control characters."""
    text = text.strip()
    if not text.startswith(ENROLMENT_QR_PREFIX):
        return None
    parts = text.split("|")
    if len(parts) != 3:
        return None
    _, code, url = parts
    if not _CODE.fullmatch(code) or not _is_server_url(url):
        return None
    return code, url.rstrip("/")


def enrol_by_qr(text: str, data_dir: Path, app_version: str) -> TerminalIdentity:
    """Redeem the QR's code at its server and save this terminal's credential (``terminal.json``).

    Raises ``EnrolmentQrError`` for a text that is not an enrolment QR, or a ``SyncError`` saying why the
    server did not enrol it."""
    parsed = parse_enrolment_qr(text)
    if parsed is None:
        raise EnrolmentQrError("not an enrolment QR code")
    code, server_url = parsed
    identity = redeem_code(server_url, code, app_version)
    save_identity(data_dir, identity)
    return identity


def _is_server_url(url: str) -> bool:
    if not url or len(url) > MAX_URL_CHARS or not _URL_CHARS.match(url):
        return False
    try:
        parts = urlsplit(url)
        port_is_valid = parts.port is None or parts.port > 0  # .port raises for a port out of range
    except ValueError:
        return False
    return (port_is_valid and parts.scheme in ("http", "https") and bool(parts.hostname) and parts.username is None
            and parts.password is None and not parts.query and not parts.fragment)
