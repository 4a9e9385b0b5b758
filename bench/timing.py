"""Timing helpers the benchmarks share: milliseconds per call, and percentiles of those."""

from __future__ import annotations

import time


def time_each(function, inputs: list[str], rounds: int, before_round=None, clock=time.perf_counter) -> list[float]:
    """Milliseconds per call, every call of every round (``clock``: time.process_time for CPU time, which
    other processes on a busy machine do not inflate)."""
    timings: list[float] = []
    for _ in range(rounds):
        if before_round:
            before_round()
        for text in inputs:
            start = clock()
            function(text)
            timings.append((clock() - start) * 1000)
    return timings


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (NaN for no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]
