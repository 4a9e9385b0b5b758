"""An id that arrives as text (a form field, a path segment, a query the console builds itself): a number the
database can hold, or nothing."""

from __future__ import annotations

import re

from common.wire import MAX_ID

_DIGITS = re.compile(r"^[0-9]{1,10}$")  # ASCII only: str.isdigit() also takes "²", which int() refuses


def id_from_text(text: str) -> int | None:
    number = int(text) if _DIGITS.match(text) else 0
    return number if 1 <= number <= MAX_ID else None
