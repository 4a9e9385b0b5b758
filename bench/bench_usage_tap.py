"""Recording a tap for the usage statistics: time per call on the UI thread (services.usage.visit), against
what every tap already costs there (kiosk.idle.IdleMonitor.activity, the idle timer's reset), measured in the
same run.

Run from the project root:  python bench/bench_usage_tap.py  [--taps N]

A tap is a touch plus what it did: a letter typed into the search (the query so far and its results), a
service's guide opened, a guide printed, a module entered. The issue's budget is 0.1 ms a tap; the exit status
is 1 when the worst of those costs more (p99), or more than TARGET_RATIO times the idle timer's reset.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import percentile  # noqa: E402
from kiosk.idle import IdleMonitor  # noqa: E402
from services.usage.visit import VisitRecorder  # noqa: E402

BUDGET_MS = 0.1
TARGET_RATIO = 20.0
QUERY = "shebaoka bu ban"
TOP = ["RS-001", "RS-002", "RS-003"]


def per_call_ms(call, taps: int) -> list[float]:
    timings = []
    for tap in range(taps):
        started = time.perf_counter()
        call(tap)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def visit_taps(recorder: VisitRecorder):
    """One visit's worth of taps, over and over: a new visit every 40 taps (as the idle reset makes one)."""

    def tap(n: int) -> None:
        step = n % 40
        recorder.touch()
        if step < 15:
            recorder.searched(QUERY[: step + 1], 12, TOP)
        elif step == 15:
            recorder.viewed("RS-001", "search")
        elif step == 16:
            recorder.printed("RS-001")
        elif step < 39:
            recorder.module("guide")
        else:
            recorder.finish("zh_CN", at_home=False)  # at the idle reset, not a tap; here to keep visits short

    return tap


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=200_000)
    args = parser.parse_args()
    idle = IdleMonitor(60, 20)
    baseline = per_call_ms(lambda _n: idle.activity(), args.taps)
    recorded = [ms for n, ms in enumerate(per_call_ms(visit_taps(VisitRecorder()), args.taps)) if n % 40 != 39]
    rows = [("idle timer reset (baseline)", baseline), ("usage: a tap recorded", recorded)]
    print(f"{'per tap':<30} {'median ms':>10} {'p99 ms':>10}")
    for name, values in rows:
        print(f"{name:<30} {percentile(values, 50):>10.5f} {percentile(values, 99):>10.5f}")
    ratio = percentile(recorded, 50) / percentile(baseline, 50)
    print(f"ratio (median): {ratio:.1f}x the idle timer's reset; budget {BUDGET_MS} ms a tap")
    ok = percentile(recorded, 99) < BUDGET_MS and ratio < TARGET_RATIO
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
