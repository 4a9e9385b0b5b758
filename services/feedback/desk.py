"""Feedback at the kiosk: ``FeedbackDesk.submit`` checks a draft against the shared rules
(common.feedback_rules), applies the anti-abuse rules and commits the record to the outbox before it returns
the receipt. Suppressed submissions are kept and sent too, marked and counted.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pydantic import ValidationError

from common.feedback_rules import (
    NEGATIVE_RATING,
    Draft,
    FeedbackError,
    Problem,
    add_working_days,
    clean_text,
    new_check_code,
    problems,
    tracking_number,
)
from common.settings import FeedbackSettings
from common.wire import FeedbackRecord
from services.storage.outbox import Outbox
from services.storage.store import LocalStore

# Store state keys: recent submissions for the anti-abuse rules, and how many were suppressed per rule.
RECENT_KEY = "feedback_recent"
SUPPRESSED_KEY = "feedback_suppressed"
RATE_WINDOW_SECONDS = 3600


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
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
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
