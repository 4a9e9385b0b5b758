"""The server as several processes: a fleet against 1 process and against N behind nginx, and command delivery.

Run from the project root:  python bench/bench_server_scale.py  [--terminals 5000] [--processes 4] [--seconds 120]

On PostgreSQL (a private cluster with fsync on, as bench/databases.py starts it) N terminals are enrolled once
(set-up, not measured). Then the paced fleet phase of bench/bench_server_load.py (every terminal a record batch
and a heartbeat each 30 s, latency counted from the scheduled send time) runs twice on the same database: against
one `kiosk-server serve` process, and against N processes behind nginx (tests/load_balancer.py, with the
deployment's own deploy/nginx/lobby-kiosk.conf). Printed: p50/p99 per call for each, the ratio 1 : N, and beside
each the server's and the generator's CPU and the load average (the machine is shared).

Then, on the N processes behind nginx, command delivery: terminals that hold the long poll (GET /terminal/wait)
and terminals that only poll with their heartbeat every 30 s, side by side, each sent commands at random moments;
the delivery time is the server's own: queued (created_at) to the terminal's result (finished_at), p50/p99.

The exit status is 1 when a request gets an error or push misses its target (p99 < 2 s); a fleet phase the server
cannot keep up with (calls given up unsent) is a result, printed, not a failure.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_server_load import (  # noqa: E402  (beside this script)
    CONNECTIONS,
    CYCLE_SECONDS,
    FLEET_SECONDS,
    REQUEST_TIMEOUT_SECONDS,
    Fleet,
    Terminal,
    enrol_directly,
    fleet,
    heartbeat_body,
)
from databases import postgres_database  # noqa: E402
from timing import percentile  # noqa: E402

from common.wire import API_PREFIX  # noqa: E402
from tests.live_server import ServerProcess, start_server  # noqa: E402
from tests.load_balancer import LoadBalancer  # noqa: E402

PUSH_TARGET_P99_SECONDS = 2.0
# Long polls in the benchmark wait this long (shorter than the kiosk's 50 s, so the phase ends sooner).
BENCH_WAIT_SECONDS = 20


@dataclass
class Deployment:
    """What the load generator talks to: nginx in front of the processes."""

    url: str
    admin_token: str
    pids: list[int]

    def api_url(self, path: str) -> str:
        return self.url + API_PREFIX + path


def start_processes(database_url: str, workdir: Path, count: int, env: dict[str, str]) -> list[ServerProcess]:
    servers: list[ServerProcess] = []
    for number in range(count):
        servers.append(start_server(database_url, workdir / f"server-{number}", env=env,
                                    admin_username=f"bench-admin-{number}"))
    return servers


def stop_all(servers: list[ServerProcess]) -> None:
    for server in servers:
        server.stop()


def fleet_line(label: str, paced: Fleet) -> str:
    beats, batches = paced.beats.latencies, paced.batches.latencies
    failed = paced.failures()
    return (f"  {label:<26} heartbeat p50 {percentile(beats, 50):7.1f} ms  p99 {percentile(beats, 99):7.1f} ms   "
            f"records p50 {percentile(batches, 50):7.1f} ms  p99 {percentile(batches, 99):7.1f} ms\n"
            f"  {'':<26} ({paced.beats.rate + paced.batches.rate:.0f} answered/s; {paced.conditions})"
            f"{f'   FAILED {failed}' if failed else ''}")


# -- command delivery ------------------------------------------------------------------------------


class DeliveryTerminal:
    """A simulated terminal that carries out its commands at once: by long poll (push) or at each heartbeat."""

    def __init__(self, deployment: Deployment, terminal: Terminal, push: bool, stop: threading.Event) -> None:
        self._deployment = deployment
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {terminal.token}"
        self._terminal = terminal
        self._push = push
        self._stop = stop
        self.failures = 0

    def run(self) -> None:
        rng = random.Random(self._terminal.id)
        if not self._push:
            self._stop.wait(rng.uniform(0, CYCLE_SECONDS))  # a fleet's heartbeats are spread over the cycle
        etag = ""
        while not self._stop.is_set():
            try:
                if self._push:
                    notice = self._session.get(self._deployment.api_url("/terminal/wait"), timeout=60,
                                               params={"config_etag": etag, "seconds": BENCH_WAIT_SECONDS}).json()
                    etag, pending = notice["config_etag"], notice["commands_pending"]
                else:
                    reply = self._session.post(self._deployment.api_url("/terminal/heartbeat"),
                                               json=heartbeat_body(self._terminal, rng),
                                               timeout=REQUEST_TIMEOUT_SECONDS).json()
                    pending = reply["commands_pending"]
                if pending:
                    self._carry_out()
            except (requests.RequestException, ValueError, KeyError):
                self.failures += 1
                self._stop.wait(1)
            if not self._push:
                self._stop.wait(CYCLE_SECONDS)

    def _carry_out(self) -> None:
        commands = self._session.get(self._deployment.api_url("/terminal/commands"),
                                     timeout=REQUEST_TIMEOUT_SECONDS).json()
        for command in commands:
            self._session.post(self._deployment.api_url(f"/terminal/commands/{command['id']}/result"),
                               json={"command_id": command["id"], "ok": True, "detail": "bench"},
                               timeout=REQUEST_TIMEOUT_SECONDS)


def delivery(deployment: Deployment, push_terminals: list[Terminal], poll_terminals: list[Terminal],
             seconds: float, per_terminal: int) -> tuple[list[float], list[float], int]:
    """Seconds from queued to finished for the push and the poll terminals' commands; failed requests."""
    stop = threading.Event()
    simulated = ([DeliveryTerminal(deployment, t, True, stop) for t in push_terminals]
                 + [DeliveryTerminal(deployment, t, False, stop) for t in poll_terminals])
    threads = [threading.Thread(target=s.run, daemon=True) for s in simulated]
    for thread in threads:
        thread.start()
    time.sleep(2)  # the long polls are held
    rng = random.Random(7)
    # Commands at random moments, all queued by seconds - 2 cycles so the polling terminals can still fetch them.
    plan = sorted((rng.uniform(0, max(1.0, seconds - 2 * CYCLE_SECONDS)), t) for t in push_terminals + poll_terminals
                  for _ in range(per_terminal))
    auth = {"Authorization": f"Bearer {deployment.admin_token}"}
    start = time.monotonic()
    for at, terminal in plan:
        time.sleep(max(0.0, start + at - time.monotonic()))
        requests.post(deployment.api_url(f"/admin/terminals/{terminal.id}/commands"), headers=auth,
                      json={"kind": "sync_now", "ttl_seconds": 3600}, timeout=REQUEST_TIMEOUT_SECONDS).raise_for_status()
    time.sleep(max(0.0, start + seconds - time.monotonic()))
    stop.set()

    def delays(group: list[Terminal]) -> list[float]:
        found = []
        for terminal in group:
            for command in requests.get(deployment.api_url(f"/admin/terminals/{terminal.id}/commands"), headers=auth,
                                        timeout=REQUEST_TIMEOUT_SECONDS).json():
                if command["finished_at"]:
                    found.append((datetime.fromisoformat(command["finished_at"])
                                  - datetime.fromisoformat(command["created_at"])).total_seconds())
                else:
                    found.append(float("inf"))  # never delivered in the phase: counts as the worst
        return found

    return delays(push_terminals), delays(poll_terminals), sum(s.failures for s in simulated)


# -- the run -----------------------------------------------------------------------------------------


def measure(database_url: str, workdir: Path, args: argparse.Namespace) -> bool:
    env: dict[str, str] = {}
    start = time.perf_counter()
    single = start_processes(database_url, workdir / "single", 1, env)
    try:
        enrolled = enrol_directly(database_url, args.terminals + 2 * args.delivery_terminals)
        print(f"PostgreSQL: {len(enrolled)} terminals enrolled in {time.perf_counter() - start:.1f} s (set-up)")
        fleet_terminals = enrolled[:args.terminals]
        one = fleet(single[0], fleet_terminals, args.seconds, args.batch, args.connections, args.seed)
    finally:
        stop_all(single)
    several = start_processes(database_url, workdir / "several", args.processes, env)
    balancer = LoadBalancer([server.port for server in several], workdir / "nginx")
    try:
        deployment = Deployment(balancer.url, several[0].admin_token, [s.pid for s in several if s.pid])
        many = fleet(deployment, fleet_terminals, args.seconds, args.batch, args.connections, args.seed)
        spare = enrolled[args.terminals:]
        pushed, polled, delivery_failures = delivery(deployment, spare[:args.delivery_terminals],
                                                     spare[args.delivery_terminals:], args.delivery_seconds,
                                                     args.commands_per_terminal)
    finally:
        balancer.stop()
        stop_all(several)
    print(f"fleet of {args.terminals} terminals, a heartbeat and a batch of {args.batch} records each every "
          f"{CYCLE_SECONDS} s ({args.terminals * 2 / CYCLE_SECONDS:.0f} requests/s offered), {args.seconds:g} s:")
    print(fleet_line("1 process", one))
    print(fleet_line(f"{args.processes} processes behind nginx", many))
    for kind, a, b in (("heartbeat", one.beats, many.beats), ("records", one.batches, many.batches)):
        print(f"  {kind:<10} 1 : {args.processes} processes   p50 "
              f"{percentile(a.latencies, 50) / percentile(b.latencies, 50):5.2f}x   p99 "
              f"{percentile(a.latencies, 99) / percentile(b.latencies, 99):5.2f}x   (above 1: faster with "
              f"{args.processes})")
    push_p99 = percentile(pushed, 99)
    print(f"command delivery on {args.processes} processes behind nginx, queued -> result received, "
          f"{args.commands_per_terminal} commands each to {args.delivery_terminals} terminals per mode:")
    print(f"  push (long poll)         p50 {percentile(pushed, 50):6.2f} s   p99 {push_p99:6.2f} s")
    print(f"  poll (heartbeat {CYCLE_SECONDS} s)    p50 {percentile(polled, 50):6.2f} s   "
          f"p99 {percentile(polled, 99):6.2f} s   ({percentile(polled, 50) / percentile(pushed, 50):.0f}x push's p50)")
    # A phase the server could not keep up with is a result; an error answer is a failure.
    failed = bool(one.errors() or many.errors()) or delivery_failures > 0
    verdict = "OK" if push_p99 < PUSH_TARGET_P99_SECONDS and not failed else "MISSED"
    print(f"  push target p99 < {PUSH_TARGET_P99_SECONDS:g} s{', no failed request' if not failed else ''}: {verdict}"
          f"{f' ({delivery_failures} failed delivery requests)' if delivery_failures else ''}")
    return verdict == "OK"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=5000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--batch", type=int, default=20, help="records per upload")
    parser.add_argument("--seconds", type=float, default=FLEET_SECONDS, help="length of each fleet phase")
    parser.add_argument("--connections", type=int, default=CONNECTIONS, help="at most, in the paced phase")
    parser.add_argument("--delivery-terminals", type=int, default=20, help="per mode (push, poll)")
    parser.add_argument("--delivery-seconds", type=float, default=120.0)
    parser.add_argument("--commands-per-terminal", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"{os.cpu_count()} cores shared by the servers, nginx, PostgreSQL and this load generator "
          f"(load average {os.getloadavg()[0]:.1f} at start)")
    with tempfile.TemporaryDirectory(prefix="bench-server-scale-") as tmp, postgres_database() as database_url:
        if database_url is None:
            print("skipped: PostgreSQL not installed (apt-get install -y postgresql)")
            return 0
        return 0 if measure(database_url, Path(tmp), args) else 1


if __name__ == "__main__":
    sys.exit(main())
