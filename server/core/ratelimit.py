"""A sliding-window rate limiter kept in the database, so every server process counts against one limit.

Each counted attempt is a row (``rate_limit_hits``); a key's attempts are counted under a lock of that key alone
(server/core/key_lock.py), so two processes
counting the same address at once cannot both take the last attempt.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.core.clock import utcnow
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.core.key_lock import lock_key
from server.core.models import RateLimitHit

_MAX_KEY_LENGTH = 100
# Attempts older than this count for no limiter (every window is a minute) and go at the next periodic round.
_KEPT = timedelta(hours=1)


class RateLimiter:
    def __init__(self, scope: str, limit: int, window_seconds: float = 60.0):
        self.scope = scope
        self._limit = limit
        self._window = timedelta(seconds=window_seconds)

    def try_acquire(self, db: Session, key: str) -> float | None:
        """Count one attempt for ``key``: None if allowed, else the seconds until one would be.

        Commits ``db`` (the count stands whatever the request does next): call it before writing anything."""
        return self._attempt(db, key, count=True)

    def retry_after(self, db: Session, key: str) -> float | None:
        """Would an attempt for ``key`` be allowed now (None), or in how many seconds? Counts nothing."""
        return self._attempt(db, key, count=False)

    def _attempt(self, db: Session, key: str, count: bool) -> float | None:
        key = key[:_MAX_KEY_LENGTH]
        now = utcnow()
        lock_key(db, f"rate-limit:{self.scope}", key)
        mine = (RateLimitHit.scope == self.scope) & (RateLimitHit.key == key)
        db.execute(delete(RateLimitHit).where(mine, RateLimitHit.at <= now - self._window))
        oldest: list[datetime] = list(db.scalars(
            select(RateLimitHit.at).where(mine).order_by(RateLimitHit.at).limit(self._limit)))
        if len(oldest) >= self._limit:
            db.commit()
            return max((oldest[0] + self._window - now).total_seconds(), 0.0)
        if count:
            db.add(RateLimitHit(scope=self.scope, key=key, at=now))
        db.commit()
        return None


def prune_rate_limit_hits(db: Session, older_than: datetime, batch: int = 1000) -> int:
    """Delete up to ``batch`` attempts older than ``older_than`` (keys nobody counts again); how many went."""
    doomed = select(RateLimitHit.id).where(RateLimitHit.at < older_than).order_by(RateLimitHit.id).limit(batch)
    result: Any = db.execute(delete(RateLimitHit).where(RateLimitHit.id.in_(doomed)))
    return result.rowcount


def run_rate_limit_pruning(settings: ServerSettings, now: datetime) -> int:
    """The periodic job (server/core/periodic.py): forget old attempts, a batch per transaction; how many."""
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            total = 0
            while pruned := prune_rate_limit_hits(db, now - _KEPT):
                db.commit()
                total += pruned
            return total
    finally:
        engine.dispose()
