"""Taking queue numbers under load: 20 terminals at once against the real server, on SQLite and PostgreSQL.

Run from the project root:  python bench/bench_queue_numbers.py  [--terminals N] [--seconds S]

Starts the real server (tests/live_server.py: `kiosk-server serve`, one uvicorn worker) on loopback, once on
SQLite (a file, synchronous=FULL) and once on PostgreSQL (a private cluster with fsync on), enrols N terminals
and opens every window all day (set-up, not measured). Then, for S seconds each, N threads (one per terminal,
each with its own keep-alive connection and token) as fast as they go:

- baseline: GET /healthz (one SELECT 1), same clients, same run;
- numbers: POST /terminal/queue/numbers, the services spread over the open windows, so the terminals contend
  for the same per-window counters.

Printed: numbers per second (and as a ratio of /healthz's rate), p50/p99 latency, and the check that no number
was issued twice: every number answered is distinct, and the server's own count (the console's statistics)
equals the numbers the terminals were given. Exit status 1 on a duplicate, a failed request or a count that
differs.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from databases import on_each_database  # noqa: E402
from timing import percentile  # noqa: E402  (bench/timing.py, beside this script)

from common import wire  # noqa: E402
from tests.live_server import LiveServer, start_server  # noqa: E402
from tests.server.console.console_client import ConsoleClient  # noqa: E402
from tests.server.queue_calls import open_all_day  # noqa: E402

APP_VERSION = "1.4.2"
TIMEOUT_SECONDS = 30
# Numbers a window issues a day at most (the console's largest limit); the run stops a window short of it.
PER_WINDOW = 990


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def line(self, what: str, extra: str = "") -> str:
        return (f"  {what:<28} {self.rate:8.1f}/s   p50 {percentile(self.latencies, 50):6.1f} ms   "
                f"p99 {percentile(self.latencies, 99):6.1f} ms   {len(self.failures)} failed{extra}")


def enrol(server: LiveServer, count: int) -> list[str]:
    tokens = []
    auth = {"Authorization": f"Bearer {server.admin_token}"}
    for number in range(count):
        created = requests.post(server.api_url("/admin/terminals"), headers=auth, timeout=TIMEOUT_SECONDS,
                                json={"name": f"Bench {number:02d}", "location": "T3 lobby"})
        created.raise_for_status()
        redeemed = requests.post(server.api_url("/enrolment/redeem"), timeout=TIMEOUT_SECONDS,
                                 json={"code": created.json()["code"], "app_version": APP_VERSION})
        redeemed.raise_for_status()
        tokens.append(wire.TerminalCredential.model_validate(redeemed.json()).token)
    return tokens


def hammer(server: LiveServer, tokens: list[str], seconds: float, services: list[str] | None) -> Run:
    """One thread per terminal for ``seconds``: /healthz (services None) or taking numbers round the services."""
    run = Run()
    lock = threading.Lock()
    taken: dict[str, int] = {}
    start = threading.Barrier(len(tokens) + 1)
    stop_at: list[float] = []

    def client(index: int, token: str) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}"}
        turn = index
        start.wait()
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                if services is None:
                    reply = session.get(server.url + "/healthz", timeout=TIMEOUT_SECONDS)
                else:
                    code = services[turn % len(services)]
                    turn += 1
                    with lock:
                        if taken.get(code, 0) >= PER_WINDOW:
                            continue
                        taken[code] = taken.get(code, 0) + 1
                    reply = session.post(server.api_url("/terminal/queue/numbers"), headers=headers,
                                         json={"service_code": code}, timeout=TIMEOUT_SECONDS)
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    if reply.status_code != 200:
                        run.failures.append(f"HTTP {reply.status_code}: {reply.text[:200]}")
                        continue
                    run.latencies.append(elapsed)
                    if services is not None:
                        run.numbers.append(reply.json()["number"])
            except requests.RequestException as exc:
                with lock:
                    run.failures.append(str(exc))

    threads = [threading.Thread(target=client, args=(i, token)) for i, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    stop_at.append(time.perf_counter() + seconds)
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - began
    return run


def issued_on_server(server: LiveServer) -> int:
    console = ConsoleClient(server)
    console.sign_in()
    rows = csv.reader(io.StringIO(console.page("/queue/stats.csv").content.decode("utf-8-sig")))
    return int(next(row for row in rows if row[0] == "all")[2])


def measure(label: str, database_url: str, workdir: Path, args: argparse.Namespace) -> bool:
    start = time.perf_counter()
    server = start_server(database_url, workdir / "server", env={"ENROLMENT_ATTEMPTS_PER_MINUTE": "1000"})
    try:
        tokens = enrol(server, args.terminals)
        # One service of each window open for numbers: the terminals contend for every window's counter.
        services = [window["service_codes"][0] for window in open_all_day(server)]
        print(f"{label}: {len(tokens)} terminals enrolled, {len(services)} windows open, "
              f"in {time.perf_counter() - start:.1f} s (set-up)")
        baseline = hammer(server, tokens, args.seconds, None)
        numbers = hammer(server, tokens, args.seconds, services)
        counted = issued_on_server(server)
    finally:
        server.stop()
    distinct = len(set(numbers.numbers))
    unique = distinct == len(numbers.numbers) == counted
    print(baseline.line("GET /healthz (baseline)"))
    print(numbers.line("taking a number", f"   {numbers.rate / baseline.rate:.2f}x /healthz's rate"))
    print(f"  {len(numbers.numbers)} numbers issued, {distinct} distinct, {counted} counted by the server: "
          f"{'no number issued twice' if unique else 'DUPLICATES OR LOST NUMBERS'}")
    return unique and not numbers.failures and not baseline.failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"server: one uvicorn worker (kiosk-server serve); {os.cpu_count()} cores shared with this load generator "
          f"(load average {os.getloadavg()[0]:.1f} at start); {args.terminals} terminals at once")
    return on_each_database("bench-queue-numbers-", lambda name, url, workdir: measure(name, url, workdir, args))


if __name__ == "__main__":
    sys.exit(main())
