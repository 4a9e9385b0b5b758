"""Backoff: exponential ceilings with full jitter, capped, reset by a success."""

from __future__ import annotations

import random

from services.sync.backoff import Backoff


def test_delays_stay_under_a_doubling_ceiling_up_to_the_cap():
    backoff = Backoff(random.Random(7), base=2, cap=60)
    for failures, ceiling in enumerate((2, 4, 8, 16, 32, 60, 60, 60)):
        samples = []
        for _ in range(300):
            backoff.failures = failures
            samples.append(backoff.next_delay())
        assert backoff.failures == failures + 1
        assert all(0 <= sample <= ceiling for sample in samples)
        # Full jitter: the whole range is used, not just values near the ceiling.
        assert min(samples) < ceiling * 0.2 and max(samples) > ceiling * 0.8


def test_reset_starts_again_from_the_base():
    backoff = Backoff(random.Random(1), base=2, cap=300)
    for _ in range(10):
        backoff.next_delay()
    backoff.reset()
    assert backoff.failures == 0
    assert backoff.next_delay() <= 2 and backoff.failures == 1


def test_many_failures_never_overflow():
    backoff = Backoff(random.Random(3), base=2, cap=300)
    backoff.failures = 10_000
    assert 0 <= backoff.next_delay() <= 300


def test_same_seed_same_delays():
    first, second = Backoff(random.Random(42)), Backoff(random.Random(42))
    assert [first.next_delay() for _ in range(6)] == [second.next_delay() for _ in range(6)]
