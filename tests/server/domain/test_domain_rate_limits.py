"""server/core/ratelimit.py against a migrated database: one limit for every session (so every process) at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from server.core.clock import utcnow
from server.core.models import RateLimitHit
from server.core.ratelimit import RateLimiter, prune_rate_limit_hits
from tests.server.domain.builders import BOTH_DIALECTS


def test_attempts_are_counted_per_key_within_the_window(db):
    limiter = RateLimiter("enrolment", limit=2, window_seconds=60)
    assert limiter.try_acquire(db, "10.0.0.1") is None
    assert limiter.retry_after(db, "10.0.0.1") is None  # counts nothing
    assert limiter.try_acquire(db, "10.0.0.1") is None
    wait = limiter.try_acquire(db, "10.0.0.1")
    assert wait is not None and 58 < wait <= 60
    assert limiter.retry_after(db, "10.0.0.1") is not None
    assert limiter.try_acquire(db, "10.0.0.2") is None  # another address has its own count
    assert RateLimiter("feedback_status", limit=2).try_acquire(db, "10.0.0.1") is None  # and another limiter


def test_attempts_older_than_the_window_count_no_more_and_are_deleted(db):
    limiter = RateLimiter("enrolment", limit=1, window_seconds=60)
    db.add(RateLimitHit(scope="enrolment", key="10.0.0.1", at=utcnow() - timedelta(seconds=61)))
    db.commit()
    assert limiter.try_acquire(db, "10.0.0.1") is None
    assert db.scalar(select(func.count()).select_from(RateLimitHit)) == 1


@BOTH_DIALECTS
def test_sessions_counting_at_once_share_one_limit(sessions):
    limiter = RateLimiter("enrolment", limit=5, window_seconds=60)

    def attempt(_number: int) -> float | None:
        with sessions() as db:
            return limiter.try_acquire(db, "10.0.0.9")

    with ThreadPoolExecutor(8) as pool:
        verdicts = list(pool.map(attempt, range(16)))
    assert sum(verdict is None for verdict in verdicts) == 5


def test_old_attempts_are_pruned_in_batches(db):
    old = utcnow() - timedelta(hours=2)
    db.add_all(RateLimitHit(scope="enrolment", key=f"10.0.1.{n}", at=old) for n in range(5))
    db.add(RateLimitHit(scope="enrolment", key="10.0.0.1", at=utcnow()))
    db.commit()
    assert prune_rate_limit_hits(db, utcnow() - timedelta(hours=1), batch=3) == 3
    assert prune_rate_limit_hits(db, utcnow() - timedelta(hours=1), batch=3) == 2
    assert prune_rate_limit_hits(db, utcnow() - timedelta(hours=1), batch=3) == 0
    assert db.scalar(select(func.count()).select_from(RateLimitHit)) == 1
