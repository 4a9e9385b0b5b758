"""The phone check-in QR the kiosk shows for an event: the server's mobile page with a code that rotates
every 30 s (common/rotating_code.py), so a photo of it sent to a friend soon stops working."""

from __future__ import annotations

import base64
from datetime import datetime

from common import wire
from common.rotating_code import current_code

# The server's public phone check-in page (server/public/event_pages.py).
PHONE_CHECKIN_PATH = "/m/{event_id}"
PHONE_CODE_STEP = 30


def phone_checkin_url(server_url: str, event: wire.CheckinEvent, at: datetime) -> str:
    """The URL for the QR at ``at`` (aware); show it again each ``PHONE_CODE_STEP`` seconds."""
    secret = base64.urlsafe_b64decode(event.phone_secret + "=" * (-len(event.phone_secret) % 4))
    code = current_code(secret, event.id, at, step=PHONE_CODE_STEP)
    return f"{server_url.rstrip('/')}{PHONE_CHECKIN_PATH.format(event_id=event.id)}?t={code}"
