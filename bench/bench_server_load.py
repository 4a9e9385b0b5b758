"""The central server under a fleet's load: heartbeats and record uploads against GET /healthz.

Run from the project root:  python bench/bench_server_load.py  [--terminals N] [--clients C] [--seconds S]

Starts the real server (tests/live_server.py: `kiosk-server serve`, one uvicorn worker) on loopback, once
on SQLite (a file in a temporary directory, synchronous=FULL) and once on PostgreSQL (a private cluster as
tests/server_fixtures.py starts it, but with fsync on), and enrols N terminals by the server's own rules straight
in the database (set-up, not measured). This process is the load generator, every terminal with its own token.
Measured on each database:

- saturation: C clients (threads, each with a kept-alive connection) as fast as they go, for heartbeats, for
  record batches, and for GET /healthz (one SELECT 1: the baseline, same clients, same run).
- fleet: N terminals that each send a batch of B records and a heartbeat every 30 s (their cycle), paced
  open-loop for S seconds (default 120: four cycles) on one asyncio loop; latency is counted from the scheduled
  send time, so a server that falls behind shows in full.

Printed per line: requests/s, p50/p99 latency and the server process's CPU time per request (less noisy than
latency on a shared machine); saturation throughput as a ratio of /healthz's; for the fleet, the server's and the
generator's CPU and the load average (the machine is shared). The exit status is 1 when the fleet's heartbeat or
record p99 misses 100 ms, or a request fails, on either database.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from databases import DATABASES, on_each_database  # noqa: E402
from timing import percentile  # noqa: E402  (bench/timing.py, beside this script)

from common import wire  # noqa: E402
from server.core.clock import utcnow  # noqa: E402
from server.core.db import make_engine, make_session_factory  # noqa: E402
from server.fleet import enrolment  # noqa: E402
from server.fleet import terminals as terminal_admin  # noqa: E402
from tests.live_server import LiveServer, start_server  # noqa: E402
from tests.server import usage_data  # noqa: E402

TARGET_P99_MS = 100.0
CYCLE_SECONDS = 30  # the kiosks' default sync.heartbeat_seconds
# Four cycles: long enough for a queue to build if the server cannot keep up, short enough for a shared machine.
FLEET_SECONDS = 120.0
APP_VERSION = "1.4.2"
REQUEST_TIMEOUT_SECONDS = 30
# The paced phase sends over at most this many connections at once (kept alive), like that many terminals calling
# at the same moment.
CONNECTIONS = 64
POOL_CONNECTIONS = 16
# A paced call still not sent this long after its time is given up: the server is that far behind.
DRAIN_SECONDS = 30
NOT_SENT = f"not sent: the server was {DRAIN_SECONDS} s behind"
SCREENS = ("home", "services", "service_detail", "search", "feedback", "checkin")
PERIPHERALS = (("printer", "ok"), ("scanner", "ok"), ("touch", "ok"), ("camera", "disabled"))


@dataclass
class Terminal:
    id: int
    token: str
    # Kiosks started at different times before the run (uptime only grows: a shorter one would be a restart).
    started: float = field(default_factory=lambda: time.time() - random.uniform(0, 86_400))


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
        uptime_seconds=round(now - terminal.started, 1),
        last_sync_at=datetime.fromtimestamp(now, UTC) - timedelta(seconds=rng.uniform(20, 40)),
        outbox_depth=rng.choice((0, 0, 0, 1, 3, 20)),
        free_disk_bytes=rng.randint(5, 60) * 1024**3,
        peripherals=dict(PERIPHERALS),
        current_screen=rng.choice(SCREENS),
        config_version=1,
        catalogue_version="2024.06",
    ).model_dump(mode="json", exclude_none=True)


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERVICE_CODES = ("sbk", "gjj", "jzz", "hkqy", "ylbx", "sydj")


def record_batch(size: int, rng: random.Random) -> dict:
    """``size`` records of the mix a busy lobby sends: mostly anonymous visits, a feedback item and a scan in ten
    each (valid payloads: each is projected, as a real one is)."""
    now = datetime.now(UTC)
    records = []
    for _ in range(size):
        created_at = now - timedelta(seconds=rng.uniform(0, CYCLE_SECONDS))
        draw = rng.random()
        if draw < 0.1:
            records.append(_record("feedback", created_at, {
                "tracking_number": f"F{now:%y%m%d}-{''.join(rng.choices(CROCKFORD, k=8))}",
                "check_code": f"{rng.randrange(10**6):06d}", "category": "service", "rating": rng.randint(1, 5),
                "text": "窗口排队时间较长，希望增加自助设备" * rng.randint(0, 2), "submitted_at": created_at.isoformat()}))
        elif draw < 0.2:
            records.append(_record("checkin", created_at, {
                "code": uuid.UUID(int=rng.getrandbits(128)).hex, "scanned_at": created_at.isoformat(),
                "nonce": uuid.uuid4().hex, "verdict": "unreadable", "mode": "offline"}))
        else:
            code = rng.choice(SERVICE_CODES)
            records.append(usage_data.visit_record(
                created_at.replace(second=0, microsecond=0), rng.randint(20, 300),
                searches=(usage_data.search(code, 3, (code,), code),), views=(usage_data.view(code),)))
    return {"records": records}


def _record(kind: str, created_at: datetime, payload: dict) -> dict:
    return {"id": str(uuid.uuid4()), "kind": kind, "created_at": created_at.isoformat(), "payload": payload}


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


@dataclass
class Fleet:
    """One paced phase: the two calls' timings, and what the machine did meanwhile."""

    beats: Timings
    batches: Timings
    seconds: float
    server_cpu_seconds: float
    generator_cpu_seconds: float
    load_average: tuple[float, float]  # 1-minute load average at the start and at the end of the phase

    @property
    def conditions(self) -> str:
        return (f"server CPU {self.server_cpu_seconds / self.seconds:.0%} of a core, load generator "
                f"{self.generator_cpu_seconds / self.seconds:.0%}, load average {self.load_average[0]:.1f}"
                f"→{self.load_average[1]:.1f}")

    def failures(self) -> dict[str, int]:
        return {reason: count for t in (self.beats, self.batches) for reason, count in t.failures.items()}

    def errors(self) -> dict[str, int]:
        """The failures that are errors, not the server falling behind (calls given up unsent)."""
        return {reason: count for reason, count in self.failures().items() if reason != NOT_SENT}


def fleet(server: LiveServer, terminals: list[Terminal], seconds: float, batch: int, connections: int,
          seed: int) -> Fleet:
    """Every terminal's record batch and heartbeat once per cycle, at random phases, for ``seconds``; the server's
    and this generator's CPU seconds meanwhile, and the load average, since the machine is shared."""
    timings = {"heartbeat": Timings("heartbeat, fleet"), "records": Timings("records, fleet")}
    start_load, start_cpu, own_cpu = os.getloadavg()[0], server_cpu_seconds(server), time.process_time()
    asyncio.run(_paced(server, terminals, seconds, batch, connections, random.Random(seed), timings))
    for timing in timings.values():
        timing.seconds = seconds
    return Fleet(timings["heartbeat"], timings["records"], seconds, server_cpu_seconds(server) - start_cpu,
                 time.process_time() - own_cpu, (start_load, os.getloadavg()[0]))


async def _paced(server: LiveServer, terminals: list[Terminal], seconds: float, batch: int, connections: int,
                 rng: random.Random, timings: dict[str, Timings]) -> None:
    """Open loop on one event loop: each call is due at its scheduled time whatever the answers before it, and its
    latency counts from that time, so a server that falls behind shows in full. At most ``connections`` calls are
    out at once, over kept-alive connections; the others wait their turn here, never inside httpx's pool, which
    slows down with many waiters. Bodies are made at send time, so memory stays flat."""
    schedule = []
    for terminal in terminals:
        phase = rng.uniform(0, CYCLE_SECONDS)
        for at in range(0, int(seconds) + CYCLE_SECONDS, CYCLE_SECONDS):
            if at + phase < seconds:
                # The sync engine pushes the outbox first, then sends the heartbeat.
                schedule += [(at + phase, "records", terminal), (at + phase + 0.05, "heartbeat", terminal)]
    schedule.sort(key=lambda item: item[0])
    # httpx's pool looks at each of its connections for each call: small pools, a terminal always on the same one.
    pools = [_Pool(POOL_CONNECTIONS) for _ in range(max(1, connections // POOL_CONNECTIONS))]
    loop = asyncio.get_running_loop()

    async def call(scheduled: float, kind: str, terminal: Terminal) -> None:
        pool = pools[terminal.id % len(pools)]
        async with pool.turns:
            if loop.time() > scheduled + DRAIN_SECONDS:
                timings[kind].fail(NOT_SENT)
            else:
                await _send(pool.client, server, kind, terminal, batch, rng, timings[kind], scheduled)

    calls = []
    start = loop.time()
    for at, kind, terminal in schedule:
        delay = start + at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        calls.append(asyncio.create_task(call(start + at, kind, terminal)))
    await asyncio.wait(calls)
    for pool in pools:
        await pool.client.aclose()


class _Pool:
    """Kept-alive connections and the turns that keep the calls out at once to their number."""

    def __init__(self, connections: int) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.client = httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT_SECONDS)
        self.turns = asyncio.Semaphore(connections)


async def _send(client: httpx.AsyncClient, server: LiveServer, kind: str, terminal: Terminal, batch: int,
                rng: random.Random, timings: Timings, scheduled: float) -> None:
    body = heartbeat_body(terminal, rng) if kind == "heartbeat" else record_batch(batch, rng)
    try:
        reply = await client.post(server.api_url(f"/terminal/{kind}"), json=body,
                                  headers={"Authorization": f"Bearer {terminal.token}"})
    except httpx.HTTPError as exc:
        timings.fail(type(exc).__name__)
        return
    answered = asyncio.get_running_loop().time()
    if reply.status_code != 200:
        timings.fail(f"HTTP {reply.status_code}")
    elif kind == "records" and len(reply.json()["accepted"]) != len(body["records"]):
        timings.fail("records not accepted")
    else:
        timings.latencies.append((answered - scheduled) * 1000)


def _run_threads(target: Callable[[], None], count: int) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# -- set-up --------------------------------------------------------------------------------------


def enrol_directly(database_url: str, count: int) -> list[Terminal]:
    """``count`` terminals created and enrolled by the server's own rules straight in the database: set-up for
    thousands, which over HTTP would take longer than the measurement on a small machine."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            found = []
            for number in range(count):
                terminal = terminal_admin.create_terminal(db, f"Bench {number:05d}", f"Tower {number % 7 + 1} lobby",
                                                     f"tower-{number % 7 + 1}", "bench")
                code = terminal_admin.issue_enrolment_code(db, terminal, 3600, "bench")
                credential = enrolment.redeem_code(db, code.code, APP_VERSION, utcnow())
                found.append(Terminal(credential.terminal_id, credential.token))
                if number % 500 == 499:
                    db.commit()
            db.commit()
            return found
    finally:
        engine.dispose()


def measure(label: str, database_url: str, workdir: Path, args: argparse.Namespace) -> bool:
    """One database: set-up, the four phases, the printed lines; True when the target is met."""
    start = time.perf_counter()
    server = start_server(database_url, workdir / "server")
    try:
        terminals = enrol_directly(database_url, args.terminals)
        print(f"{label}: {len(terminals)} terminals enrolled in {time.perf_counter() - start:.1f} s (set-up)")
        baseline = saturate(server, "healthz", [], args.clients, args.saturation_seconds, args.batch)
        beats = saturate(server, "heartbeat", terminals, args.clients, args.saturation_seconds, args.batch)
        batches = saturate(server, "records", terminals, args.clients, args.saturation_seconds, args.batch)
        paced = fleet(server, terminals, args.seconds, args.batch, args.connections, args.seed)
    finally:
        server.stop()
    rate = args.terminals / CYCLE_SECONDS
    worst = max(percentile(paced.beats.latencies, 99), percentile(paced.batches.latencies, 99))
    failed = any(t.failures for t in (baseline, beats, batches, paced.beats, paced.batches))
    verdict = "OK" if worst < TARGET_P99_MS and not failed else "MISSED"
    print(baseline.line("   (baseline)"))
    print(beats.line(f"   {beats.rate / baseline.rate:.2f}x /healthz's rate"))
    print(batches.line(f"   {batches.rate / baseline.rate:.2f}x /healthz's rate, "
                       f"{batches.rate * args.batch:.0f} records/s"))
    print(paced.beats.line(f"   offered {rate:.1f}/s"))
    print(paced.batches.line(f"   offered {rate:.1f}/s, {args.batch} records each"))
    print(f"  fleet of {args.terminals} every {CYCLE_SECONDS} s for {args.seconds:g} s ({paced.conditions}): "
          f"p99 heartbeat {percentile(paced.beats.latencies, 99):.1f} ms, records "
          f"{percentile(paced.batches.latencies, 99):.1f} ms; target p99 < {TARGET_P99_MS:g} ms"
          f"{', no failed request' if not failed else ''}: {verdict}")
    return verdict == "OK"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=20, help="records per upload")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients at saturation")
    parser.add_argument("--saturation-seconds", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=FLEET_SECONDS, help="length of the paced fleet phase")
    parser.add_argument("--connections", type=int, default=CONNECTIONS, help="at most, in the paced phase")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--database", choices=(*DATABASES, "both"), default="both")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"server: one uvicorn worker (kiosk-server serve); {os.cpu_count()} cores shared with this load generator "
          f"(load average {os.getloadavg()[0]:.1f} at start); {args.clients} clients at saturation")

    return on_each_database("bench-server-load-", lambda name, url, workdir: measure(name, url, workdir, args),
                            DATABASES if args.database == "both" else (args.database,))


if __name__ == "__main__":
    sys.exit(main())
