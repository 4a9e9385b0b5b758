"""Feedback rules both sides keep: the visitor's draft and what it must satisfy, clean stored text, the
tracking number and check code, the follow-up date, and the phone status link.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from common.settings import FeedbackSettings
from common.wire import MAINLAND_MOBILE_PATTERN

# 5 = 非常满意 … 1 = 非常不满意 (政务服务好差评); ratings up to this one ask for a reason and a follow-up.
NEGATIVE_RATING = 2
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PHONE = re.compile(MAINLAND_MOBILE_PATTERN)
# Direction overrides and isolates can make stored text read differently from what was typed.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

@dataclass
class Draft:
    """What the visitor has entered so far; wiped with the session."""

    category: str = ""
    rating: int | None = None
    text: str = ""
    reason: str = ""
    phone: str = ""
    consent: bool = False
    locale: str = "zh_CN"


@dataclass(frozen=True)
class Problem:
    """One broken rule: ``field`` is the draft field, ``code`` names the rule for the screen's message."""

    field: str
    code: str
    detail: str = ""


class FeedbackError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.code}" + (f" ({p.detail})" if p.detail else "") for p in problems))


def clean_text(text: str) -> str:
    """Text as it is stored: NFC, line breaks kept, other control, bidi and surrogate characters dropped.

    Emoji are kept: the console and phones show them; the kiosk's printer replaces what its font
    lacks (services.devices.printer.printable) and the screens show them through ``displayable``.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    kept = (
        char
        for char in text
        if char == "\n" or (unicodedata.category(char) not in ("Cc", "Cs") and char not in _BIDI_CONTROLS)
    )
    return re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()


def displayable(text: str) -> str:
    """For the kiosk's own screens: characters outside the Basic Multilingual Plane other than CJK
    (emoji, mostly) become □, which the bundled Noto Sans CJK has; variation selectors and joiners go."""
    out = []
    for char in text:
        if char in "\u200d\ufe0e\ufe0f":
            continue
        code = ord(char)
        out.append("□" if code > 0xFFFF and not 0x20000 <= code <= 0x3FFFF else char)
    return "".join(out)


def valid_phone(phone: str) -> bool:
    return bool(_PHONE.fullmatch(phone))  # fullmatch: "$" alone lets a trailing newline through


def mask_phone(phone: str) -> str:
    """138****1234: enough for the visitor to recognise the number, not for a passer-by to read it."""
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 else "*" * len(phone)


def problems(draft: Draft, settings: FeedbackSettings) -> list[Problem]:
    """Every rule the draft breaks, in the order the steps ask for them; empty: it can be submitted."""
    found: list[Problem] = []
    category = settings.category(draft.category)
    if category is None:
        found.append(Problem("category", "unknown_category", draft.category[:40]))
    elif category.rating and draft.rating is None:
        found.append(Problem("rating", "rating_required"))
    elif not category.rating and draft.rating is not None:
        found.append(Problem("rating", "rating_not_asked"))
    if draft.rating is not None and draft.rating not in range(1, 6):
        found.append(Problem("rating", "rating_out_of_range", str(draft.rating)))
    text, reason = clean_text(draft.text), clean_text(draft.reason)
    limit = settings.max_text_length
    if len(text) > limit:
        found.append(Problem("text", "too_long", f"{len(text)} characters, at most {limit}"))
    if len(reason) > limit:
        found.append(Problem("reason", "too_long", f"{len(reason)} characters, at most {limit}"))
    negative = draft.rating is not None and draft.rating <= NEGATIVE_RATING
    if negative and not reason:
        found.append(Problem("reason", "reason_required"))
    if draft.rating is None and not text:
        found.append(Problem("text", "empty"))
    if draft.phone:
        if not valid_phone(draft.phone):
            found.append(Problem("phone", "invalid_phone"))
        elif settings.require_consent_for_phone and not draft.consent:
            found.append(Problem("phone", "consent_required"))
    return found


def tracking_number(record_id: str, day: date) -> str:
    """F + YYMMDD + "-" + the record uuid's first 40 bits in Crockford base32 (random bits of a uuid4)."""
    bits = uuid.UUID(record_id).int >> 88
    chars = "".join(CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))
    return f"F{day:%y%m%d}-{chars}"


def new_check_code() -> str:
    """Six digits from the OS's CSPRNG: the tracking number alone never opens the status page."""
    return f"{secrets.randbelow(10**6):06d}"


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day (Monday to Friday) after ``start``.

    Public holidays and the make-up working weekends (调休) are not known here: over a holiday the
    date is early, never late; the server's deadline is the one staff are held to.
    """
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def status_url(base: str, tracking: str, check_code: str) -> str:
    return f"{base.rstrip('/')}/s/{tracking}?c={check_code}"
