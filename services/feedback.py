"""Feedback at the kiosk: the visitor's draft and its rules, the tracking number and check code, the
follow-up date, and the anti-abuse rules. ``FeedbackDesk.submit`` commits the record to the outbox
before it returns the receipt. Suppressed submissions are kept and sent too, marked and counted.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from pydantic import ValidationError

from services.outbox import Outbox
from services.settings import FeedbackSettings
from services.store import LocalStore
from services.wire import MAINLAND_MOBILE_PATTERN, FeedbackRecord

# 5 = 非常满意 … 1 = 非常不满意 (政务服务好差评); ratings up to this one ask for a reason and a follow-up.
NEGATIVE_RATING = 2
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Store state keys: recent submissions for the anti-abuse rules, and how many were suppressed per rule.
RECENT_KEY = "feedback_recent"
SUPPRESSED_KEY = "feedback_suppressed"
RATE_WINDOW_SECONDS = 3600
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


@dataclass(frozen=True)
class Receipt:
    """What the visitor is shown and may print. For a suppressed duplicate these are the earlier
    submission's tracking number and check code (that is the record staff will handle)."""

    tracking_number: str
    check_code: str
    followup_due: date | None
    suppressed: str | None
    record_id: str
    submitted_at: datetime


def clean_text(text: str) -> str:
    """Text as it is stored: NFC, line breaks kept, other control, bidi and surrogate characters dropped.

    Emoji are kept: the console and phones show them; the kiosk's printer replaces what its font
    lacks (services.printer.printable) and the screens show them through ``displayable``.
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


def _fingerprint(draft: Draft) -> str:
    def norm(value: str) -> str:
        return " ".join(clean_text(value).casefold().split())

    content = [draft.category, draft.rating, norm(draft.text), norm(draft.reason), draft.phone]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


@dataclass
class _Recent:
    """One earlier submission as the anti-abuse rules remember it (no text: only a fingerprint)."""

    at: float
    fingerprint: str
    suppressed: str | None
    # The receipt the visitor was shown, which a duplicate shows again.
    shown: dict = field(default_factory=dict)


class FeedbackDesk:
    """Takes drafts from the screens: validates, applies the anti-abuse rules, queues the record."""

    def __init__(
        self,
        store: LocalStore,
        settings: FeedbackSettings,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self._store = store
        self._outbox = Outbox(store)
        self.settings = settings
        self._clock = clock

    def submit(self, draft: Draft) -> Receipt:
        """Queue the draft as a ``feedback`` record, committed (synchronous=FULL) before this returns.

        Raises ``FeedbackError`` for a draft that breaks a rule; nothing is queued then.
        """
        settings = self.settings
        found = problems(draft, settings)
        if found:
            raise FeedbackError(found)
        submitted_at = self._clock()
        local_day = submitted_at.astimezone().date()
        record_id = str(uuid.uuid4())
        negative = draft.rating is not None and draft.rating <= NEGATIVE_RATING
        own = {
            "tracking_number": tracking_number(record_id, local_day),
            "check_code": new_check_code(),
            "followup_due": add_working_days(local_day, settings.followup_working_days).isoformat() if negative else None,
        }
        fingerprint = _fingerprint(draft)
        with self._store.transaction() as db:
            recent = self._recent(db, submitted_at.timestamp())
            suppressed, shown = self._judge(recent, fingerprint, submitted_at.timestamp(), own)
            try:
                record = FeedbackRecord(
                    **own,
                    category=draft.category,
                    rating=draft.rating,
                    text=clean_text(draft.text),
                    reason=clean_text(draft.reason) if negative else None,
                    phone=draft.phone or None,
                    consent=bool(draft.phone) and draft.consent,
                    locale=draft.locale,
                    submitted_at=submitted_at,
                    suppressed=suppressed,
                )
            except ValidationError as exc:  # a rule here and the wire model disagree: refuse, never half-send
                raise FeedbackError([Problem("record", "invalid", str(exc))]) from None
            self._outbox.add_in(db, "feedback", record.model_dump(mode="json"), record_id)
            recent.append(_Recent(submitted_at.timestamp(), fingerprint, suppressed, shown))
            self._save_state(db, recent, suppressed)
        return Receipt(
            tracking_number=shown["tracking_number"],
            check_code=shown["check_code"],
            followup_due=date.fromisoformat(shown["followup_due"]) if shown["followup_due"] else None,
            suppressed=suppressed,
            record_id=record_id,
            submitted_at=submitted_at,
        )

    def suppressed_counts(self) -> dict[str, int]:
        """How many submissions each rule suppressed on this terminal (they were queued all the same)."""
        stored = self._store.get_state(SUPPRESSED_KEY)
        return json.loads(stored) if stored else {}

    def _judge(self, recent: list[_Recent], fingerprint: str, now: float, own: dict) -> tuple[str | None, dict]:
        settings = self.settings
        for earlier in reversed(recent):
            if earlier.fingerprint != fingerprint:
                continue
            age = max(0.0, now - earlier.at)
            if age <= settings.repeat_press_seconds:
                return "repeat", earlier.shown
            if age <= settings.identical_window_seconds:
                return "identical", earlier.shown
            break
        counted = sum(1 for r in recent if r.suppressed is None and now - r.at < RATE_WINDOW_SECONDS)
        if counted >= settings.rate_limit_per_hour:
            return "rate_limit", own
        return None, own

    def _recent(self, db, now: float) -> list[_Recent]:
        row = db.execute("SELECT value FROM state WHERE key = ?", (RECENT_KEY,)).fetchone()
        horizon = max(RATE_WINDOW_SECONDS, self.settings.identical_window_seconds, self.settings.repeat_press_seconds)
        items = [_Recent(**item) for item in json.loads(row["value"])] if row else []
        return [item for item in items if now - item.at <= horizon]

    def _save_state(self, db, recent: list[_Recent], suppressed: str | None) -> None:
        # Bounded even under a flood: the rules look back an hour at most.
        rows = [(RECENT_KEY, json.dumps([vars(item) for item in recent[-2000:]]))]
        if suppressed:
            row = db.execute("SELECT value FROM state WHERE key = ?", (SUPPRESSED_KEY,)).fetchone()
            counts = json.loads(row["value"]) if row else {}
            counts[suppressed] = counts.get(suppressed, 0) + 1
            rows.append((SUPPRESSED_KEY, json.dumps(counts)))
        db.executemany("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", rows)
