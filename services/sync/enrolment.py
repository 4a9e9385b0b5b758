"""Enrolment by a one-time code from an administrator (``kiosk enrol --server URL --code CODE``)."""

from __future__ import annotations

import re

from common.wire import ENROLMENT_CODE_PATTERN
from services.sync.api import PermanentError, ServerApi
from services.sync.identity import TerminalIdentity


def redeem_code(server_url: str, code: str, app_version: str) -> TerminalIdentity:
    """Trade the code for this terminal's credential; raises a ``SyncError`` saying why when it cannot."""
    code = code.strip().upper()
    if not re.match(ENROLMENT_CODE_PATTERN, code):
        raise PermanentError(f"enrolment code {code!r} is not like ABCD-EFGH (letters A-Z, digits 2-9)")
    api = ServerApi(server_url)
    try:
        credential = api.redeem(code, app_version[:40])
    finally:
        api.close()
    return TerminalIdentity(
        server_url=api.base_url,
        terminal_id=credential.terminal_id,
        token=credential.token,
        name=credential.name,
        location=credential.location,
    )
