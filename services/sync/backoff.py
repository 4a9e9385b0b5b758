"""Exponential backoff with full jitter: after the n-th failure in a row, wait uniform(0, min(cap, base * 2**n)).

Full jitter spreads a fleet that lost the server at the same moment, so they do not all come back at once.
"""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, rng: random.Random, base: float = 2.0, cap: float = 300.0):
        self.rng = rng
        self.base = base
        self.cap = cap
        self.failures = 0

    def next_delay(self) -> float:
        """Count one more failure and return how long to wait before trying again."""
        ceiling = min(self.cap, self.base * 2 ** min(self.failures, 32))
        self.failures += 1
        return self.rng.uniform(0, ceiling)

    def reset(self) -> None:
        self.failures = 0
