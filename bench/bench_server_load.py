"""The central server under a fleet's load: heartbeats and record uploads against GET /healthz.

Run from the project root:  python bench/bench_server_load.py  [--terminals N] [--clients C] [--seconds S]

Starts the real server (tests/live_server.py: `kiosk-server serve`, one uvicorn worker) on loopback, once
on SQLite (a file in a temporary directory, synchronous=FULL) and once on PostgreSQL (a private cluster as
tests/server_fixtures.py starts it, but with fsync on), and enrols N terminals through the admin API and
/enrolment/redeem (set-up, not measured). This process is the load generator: threads, each with its own
keep-alive connection (requests), every terminal with its own token. Measured on each database:

- fleet: N terminals that each send a heartbeat and a batch of B records every 30 s (their cycle), paced
  open-loop for S seconds; latency is counted from the scheduled send time, so a stalled server shows.
- saturation: C clients as fast as they go, for heartbeats, for record batches, and for GET /healthz (one
  SELECT 1: the baseline, same clients, same run).

Printed per line: requests/s, p50/p99 latency and the server process's CPU time per request (less noisy than
latency on a shared machine); saturation throughput as a ratio of /healthz's. The exit status is 1 when the
fleet's heartbeat or record p99 misses 100 ms, or a request fails, on either database.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import queue
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from databases import on_each_database  # noqa: E402
from timing import percentile  # noqa: E402  (bench/timing.py, beside this script)

from common import wire  # noqa: E402
from tests.live_server import LiveServer, start_server  # noqa: E402

TARGET_P99_MS = 100.0
CYCLE_SECONDS = 30  # the kiosks' default sync.heartbeat_seconds
APP_VERSION = "1.4.2"
REQUEST_TIMEOUT_SECONDS = 30
# The paced phase waits this long past its schedule for answers still out, then gives up on them.
DRAIN_SECONDS = 30
SCREENS = ("home", "services", "service_detail", "search", "feedback", "checkin")
PERIPHERALS = (("printer", "ok"), ("scanner", "ok"), ("touch", "ok"), ("camera", "disabled"))


@dataclass
class Terminal:
    id: int
    token: str
    started: float = field(default_factory=time.time)


@dataclass
class Timings:
    """One phase's answers: latencies in ms of the successful ones, and what went wrong with the rest."""

    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    server_cpu_seconds: float = float("nan")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, reason: str) -> None:
        with self._lock:
            self.failures[reason] = self.failures.get(reason, 0) + 1

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def line(self, extra: str = "") -> str:
        failed = sum(self.failures.values())
        problems = f"  FAILED {failed}: {self.failures}" if failed else ""
        cpu_ms = self.server_cpu_seconds * 1000 / max(1, len(self.latencies))
        cpu = f"   server CPU {cpu_ms:4.1f} ms/req" if cpu_ms == cpu_ms else ""  # NaN in the paced phase
        return (f"  {self.name:<23} {self.rate:6.1f} req/s   p50 {percentile(self.latencies, 50):6.1f} ms"
                f"   p99 {percentile(self.latencies, 99):6.1f} ms{cpu}   ({len(self.latencies)} requests)"
                f"{extra}{problems}")


def server_cpu_seconds(server) -> float:
    """CPU time so far of every process serving ``server`` (one, or several behind a load balancer: ``pids``)."""
    return sum(cpu_seconds(pid) for pid in getattr(server, "pids", None) or [server.pid])


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of process ``pid`` so far (Linux /proc); NaN where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")




# -- what terminals send -------------------------------------------------------------------------


def heartbeat_body(terminal: Terminal, rng: random.Random) -> dict:
    now = time.time()
    return wire.Heartbeat(
        app_version=APP_VERSION,
        uptime_seconds=round(now - terminal.started + 86_400 * rng.random(), 1),
        last_sync_at=datetime.fromtimestamp(now, UTC) - timedelta(seconds=rng.uniform(20, 40)),
        outbox_depth=rng.choice((0, 0, 0, 1, 3, 20)),
        free_disk_bytes=rng.randint(5, 60) * 1024**3,
        peripherals=dict(PERIPHERALS),
        current_screen=rng.choice(SCREENS),
        config_version=1,
        catalogue_version="2024.06",
    ).model_dump(mode="json", exclude_none=True)


def record_batch(size: int, rng: random.Random) -> dict:
    now = datetime.now(UTC)
    records = []
    for _ in range(size):
        created_at = now - timedelta(seconds=rng.uniform(0, CYCLE_SECONDS))
        if rng.random() < 0.5:
            comment = "窗口排队时间较长，希望增加自助设备" * rng.randint(0, 2)
            kind, payload = "feedback", {"rating": rng.randint(1, 5), "topic": "service", "comment": comment}
        else:
            kind, payload = "checkin", {"event_id": f"evt-{rng.randint(1, 40)}",
                                        "ticket": uuid.UUID(int=rng.getrandbits(128)).hex[:16], "method": "qr"}
        records.append(wire.Record(id=str(uuid.uuid4()), kind=kind, created_at=created_at, payload=payload))
    return wire.RecordBatch(records=[r.model_dump(mode="json") for r in records]).model_dump(mode="json")


# -- load generator ------------------------------------------------------------------------------


class Client:
    """One load-generator connection: a requests session kept alive, used by one thread."""

    def __init__(self, server: LiveServer, timings: dict[str, Timings], batch: int):
        self._session = requests.Session()
        self._server = server
        self._timings = timings
        self._batch = batch
        self._rng = random.Random()

    def body(self, kind: str, terminal: Terminal | None) -> dict | None:
        if kind == "heartbeat":
            return heartbeat_body(terminal, self._rng)
        return record_batch(self._batch, self._rng) if kind == "records" else None

    def call(self, kind: str, terminal: Terminal | None, body: dict | None, started: float | None = None) -> None:
        """Send one ``kind`` request; its latency counts from ``started`` (the schedule) or from now."""
        timings = self._timings[kind]
        if kind == "healthz":
            method, url, headers = "GET", self._server.url + "/healthz", {}
        else:
            method, url = "POST", self._server.api_url(f"/terminal/{kind}")
            headers = {"Authorization": f"Bearer {terminal.token}"}
        sent = time.perf_counter()
        try:
            reply = self._session.request(method, url, json=body, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            timings.fail(type(exc).__name__)
            return
        done = time.perf_counter()
        if reply.status_code != 200:
            timings.fail(f"HTTP {reply.status_code}")
        elif kind == "records" and len(reply.json()["accepted"]) != len(body["records"]):
            timings.fail("records not accepted")
        else:
            timings.latencies.append((done - (started if started is not None else sent)) * 1000)

    def close(self) -> None:
        self._session.close()


def saturate(server: LiveServer, kind: str, terminals: list[Terminal], clients: int, seconds: float,
             batch: int) -> Timings:
    """``clients`` threads sending ``kind`` back to back for ``seconds``."""
    timings = {kind: Timings(f"{kind} at saturation")}
    next_terminal = itertools.count()
    deadline = time.perf_counter() + seconds

    def run() -> None:
        client = Client(server, timings, batch)
        while time.perf_counter() < deadline:
            terminal = terminals[next(next_terminal) % len(terminals)] if terminals else None
            client.call(kind, terminal, client.body(kind, terminal))
        client.close()

    start, cpu_before = time.perf_counter(), server_cpu_seconds(server)
    _run_threads(run, clients)
    timings[kind].seconds = time.perf_counter() - start
    timings[kind].server_cpu_seconds = server_cpu_seconds(server) - cpu_before
    return timings[kind]


def fleet(server: LiveServer, terminals: list[Terminal], seconds: float, batch: int, clients: int,
          seed: int) -> tuple[Timings, Timings, float]:
    """Every terminal's record batch and heartbeat once per cycle, at random phases, for ``seconds``; and
    the server's CPU seconds meanwhile. Bodies are made beforehand, so the generator stays light."""
    rng = random.Random(seed)
    timings = {"heartbeat": Timings("heartbeat, fleet"), "records": Timings("records, fleet")}
    maker = Client(server, timings, batch)
    schedule = []
    for terminal in terminals:
        phase = rng.uniform(0, CYCLE_SECONDS)
        for at in range(0, int(seconds) + CYCLE_SECONDS, CYCLE_SECONDS):
            if at + phase < seconds:
                # The sync engine pushes the outbox first, then sends the heartbeat.
                schedule += [(at + phase, "records", terminal, maker.body("records", terminal)),
                             (at + phase + 0.05, "heartbeat", terminal, maker.body("heartbeat", terminal))]
    schedule.sort(key=lambda item: item[0])
    work: queue.Queue = queue.Queue()

    def run() -> None:
        client = Client(server, timings, batch)
        while (item := work.get()) is not None:
            started, kind, terminal, body = item
            if time.perf_counter() < give_up:
                client.call(kind, terminal, body, started)
            else:
                timings[kind].fail("not sent: the server fell behind")
        client.close()

    start, cpu_before = time.perf_counter(), server_cpu_seconds(server)
    give_up = start + seconds + DRAIN_SECONDS
    threads = [threading.Thread(target=run, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for at, kind, terminal, body in schedule:
        delay = start + at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        work.put((start + at, kind, terminal, body))
    for _ in threads:
        work.put(None)
    for thread in threads:
        thread.join(timeout=max(0.0, give_up - time.perf_counter()) + REQUEST_TIMEOUT_SECONDS)
    for timing in timings.values():
        timing.seconds = seconds
    return timings["heartbeat"], timings["records"], server_cpu_seconds(server) - cpu_before


def _run_threads(target: Callable[[], None], count: int) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- set-up --------------------------------------------------------------------------------------


def enrol_fleet(server: LiveServer, count: int) -> list[Terminal]:
    """``count`` terminals, each created by the administrator and enrolled with its one-time code."""
    local = threading.local()

    def enrol_one(number: int) -> Terminal:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        session = local.session
        auth = {"Authorization": f"Bearer {server.admin_token}"}
        created = session.post(server.api_url("/admin/terminals"), headers=auth, timeout=REQUEST_TIMEOUT_SECONDS,
                               json={"name": f"Bench {number:04d}", "location": f"Tower {number % 7 + 1} lobby",
                                     "group": f"tower-{number % 7 + 1}"})
        created.raise_for_status()
        redeemed = session.post(server.api_url("/enrolment/redeem"), timeout=REQUEST_TIMEOUT_SECONDS,
                                json={"code": created.json()["code"], "app_version": APP_VERSION})
        redeemed.raise_for_status()
        credential = wire.TerminalCredential.model_validate(redeemed.json())
        return Terminal(credential.terminal_id, credential.token)

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(enrol_one, range(count)))


def measure(label: str, database_url: str, workdir: Path, args: argparse.Namespace) -> bool:
    """One database: set-up, the four phases, the printed lines; True when the target is met."""
    start = time.perf_counter()
    # Enrolment is rate limited per client address; the whole fleet enrols from this one address.
    server = start_server(database_url, workdir / "server",
                          env={"ENROLMENT_ATTEMPTS_PER_MINUTE": str(args.terminals * 2)})
    try:
        terminals = enrol_fleet(server, args.terminals)
        print(f"{label}: {len(terminals)} terminals enrolled in {time.perf_counter() - start:.1f} s (set-up)")
        baseline = saturate(server, "healthz", [], args.clients, args.saturation_seconds, args.batch)
        beats = saturate(server, "heartbeat", terminals, args.clients, args.saturation_seconds, args.batch)
        batches = saturate(server, "records", terminals, args.clients, args.saturation_seconds, args.batch)
        fleet_beats, fleet_batches, fleet_cpu = fleet(server, terminals, args.seconds, args.batch,
                                                      args.fleet_clients, args.seed)
    finally:
        server.stop()
    rate = args.terminals / CYCLE_SECONDS
    worst = max(percentile(fleet_beats.latencies, 99), percentile(fleet_batches.latencies, 99))
    failed = any(t.failures for t in (baseline, beats, batches, fleet_beats, fleet_batches))
    verdict = "OK" if worst < TARGET_P99_MS and not failed else "MISSED"
    print(baseline.line("   (baseline)"))
    print(beats.line(f"   {beats.rate / baseline.rate:.2f}x /healthz's rate"))
    print(batches.line(f"   {batches.rate / baseline.rate:.2f}x /healthz's rate, "
                       f"{batches.rate * args.batch:.0f} records/s"))
    print(fleet_beats.line(f"   offered {rate:.1f}/s"))
    print(fleet_batches.line(f"   offered {rate:.1f}/s, {args.batch} records each"))
    print(f"  fleet of {args.terminals} every {CYCLE_SECONDS} s: server CPU {fleet_cpu / args.seconds:.0%} of a core; "
          f"p99 heartbeat {percentile(fleet_beats.latencies, 99):.1f} ms, records "
          f"{percentile(fleet_batches.latencies, 99):.1f} ms; target p99 < {TARGET_P99_MS:g} ms"
          f"{', no failed request' if not failed else ''}: {verdict}")
    return verdict == "OK"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=20, help="records per upload")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients at saturation")
    parser.add_argument("--saturation-seconds", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=float(CYCLE_SECONDS), help="length of the paced fleet phase")
    parser.add_argument("--fleet-clients", type=int, default=32, help="connections the paced phase sends over")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"server: one uvicorn worker (kiosk-server serve); {os.cpu_count()} cores shared with this load generator "
          f"(load average {os.getloadavg()[0]:.1f} at start); {args.clients} clients at saturation")

    return on_each_database("bench-server-load-", lambda name, url, workdir: measure(name, url, workdir, args))


if __name__ == "__main__":
    sys.exit(main())
