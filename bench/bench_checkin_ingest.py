"""Server check-in ingest: check-ins/s through POST /terminal/records, against diagnostic records in the same run.

Run from the project root:  python bench/bench_checkin_ingest.py  [--terminals N] [--clients C] [--batches B]

Starts the real server (tests/live_server.py, one uvicorn worker) once on SQLite (synchronous=FULL) and once
on PostgreSQL (a private cluster with fsync on), with one published event and its attendees (imported as CSV;
their ticket texts made from the server's own key, set-up, not measured). Then C client threads, each a
terminal with its own keep-alive connection, upload B batches of R records each, twice:

- baseline: records of kind "diagnostic" (stored, nothing projected);
- check-ins: records of kind "checkin", scans of the event's tickets by several terminals, so about half are
  a ticket's first scan and the rest duplicates (each verified, decided and projected in the storing transaction).

Printed per database: records/s of each, and check-ins/s as a ratio of the baseline. Afterwards the attendance
is checked: every ticket scanned counts once, every other scan is flagged a duplicate (exit status 1 if not,
or if a request failed). Also: online checks (POST /terminal/checkins, one scan per request) against
one-record diagnostic batches.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from databases import on_each_database  # noqa: E402

from common import tickets  # noqa: E402
from server.core.config import ServerSettings  # noqa: E402
from server.core.db import make_engine  # noqa: E402
from server.events.ticket_key_vault import vault  # noqa: E402
from server.fleet.models import Registration, TicketKey  # noqa: E402
from tests.live_server import LiveServer, start_server  # noqa: E402

TIMEOUT_SECONDS = 60


def setup_event(server: LiveServer, attendees: int) -> tuple[int, list[str]]:
    now = datetime.now(UTC)
    event = server.admin("POST", "/admin/events", json={
        "title_zh": "压力测试", "title_en": "Load test", "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(hours=4)).isoformat(), "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(hours=4)).isoformat()}).json()
    server.admin("POST", f"/admin/events/{event['id']}/publish").raise_for_status()
    rows = "\n".join(f"参会者{i},1{3 + i % 7}{i:09d}," for i in range(attendees))
    server.admin("POST", f"/admin/events/{event['id']}/attendees/import", data=f"name,phone,organisation\n{rows}\n".encode(),
                 headers={"Content-Type": "text/csv"}, timeout=300).raise_for_status()
    engine = make_engine(server.database_url)
    try:
        with engine.connect() as connection:
            sealed = vault(ServerSettings(kiosk_server_data_dir=server.data_dir, database_url=server.database_url))
            keys = {row.id: tickets.SigningKey.from_private_bytes(row.id, sealed.open(row.id, row.sealed_private_key))
                    for row in connection.execute(select(TicketKey))}
            texts = [tickets.issue(keys[row.key_id], row.event_id, row.ticket_id)
                     for row in connection.execute(select(Registration).where(Registration.event_id == event["id"]))]
    finally:
        engine.dispose()
    return event["id"], texts


def enrol(server: LiveServer, count: int) -> list[str]:
    tokens = []
    for number in range(count):
        code = server.enrol(f"压测终端 {number + 1}", "bench")
        reply = requests.post(server.api_url("/enrolment/redeem"), json={"code": code, "app_version": "bench"},
                              timeout=TIMEOUT_SECONDS)
        reply.raise_for_status()
        tokens.append(reply.json()["token"])
    return tokens


def diagnostic(now: datetime, _code: str) -> dict:
    return {"id": str(uuid.uuid4()), "kind": "diagnostic", "created_at": now.isoformat(),
            "payload": {"level": "INFO", "message": "scanner reconnected", "port": "/dev/ttyACM0"}}


def checkin(now: datetime, code: str) -> dict:
    return {"id": str(uuid.uuid4()), "kind": "checkin", "created_at": now.isoformat(),
            "payload": {"code": code, "scanned_at": now.isoformat(), "nonce": uuid.uuid4().hex, "verdict": "welcome",
                        "mode": "offline"}}


def upload(server: LiveServer, tokens: list[str], plan: list[list[list[str]]], make) -> tuple[float, int, int]:
    """Each client sends its batches (lists of ticket codes) as records made by ``make``: (seconds, records, failures)."""
    failures = [0]
    lock = threading.Lock()

    def client(token: str, batches: list[list[str]]) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        for codes in batches:
            now = datetime.now(UTC)
            body = {"records": [make(now - timedelta(seconds=random.uniform(0, 600)), code) for code in codes]}
            reply = session.post(server.api_url("/terminal/records"), json=body, timeout=TIMEOUT_SECONDS)
            if reply.status_code != 200 or len(reply.json()["accepted"]) != len(codes):
                with lock:
                    failures[0] += 1
        session.close()

    threads = [threading.Thread(target=client, args=(token, batches)) for token, batches in zip(tokens, plan, strict=True)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, sum(len(b) for batches in plan for b in batches), failures[0]


def online(server: LiveServer, tokens: list[str], codes: list[str], use_checkins: bool) -> tuple[float, int, int]:
    """One scan per request from every client: POST /terminal/checkins, or a one-record diagnostic batch."""
    failures = [0]
    per_client = [codes[i::len(tokens)] for i in range(len(tokens))]

    def client(token: str, mine: list[str]) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        for code in mine:
            now = datetime.now(UTC)
            if use_checkins:
                reply = session.post(server.api_url("/terminal/checkins"), timeout=TIMEOUT_SECONDS, json={
                    "id": str(uuid.uuid4()), "code": code, "scanned_at": now.isoformat(), "nonce": uuid.uuid4().hex})
            else:
                reply = session.post(server.api_url("/terminal/records"), timeout=TIMEOUT_SECONDS,
                                     json={"records": [diagnostic(now, code)]})
            if reply.status_code != 200:
                failures[0] += 1
        session.close()

    threads = [threading.Thread(target=client, args=args) for args in zip(tokens, per_client, strict=True)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, len(codes), failures[0]


def measure(label: str, database_url: str, workdir: Path, args: argparse.Namespace) -> bool:
    rng = random.Random(args.seed)
    server = start_server(database_url, workdir / "server", env={"ENROLMENT_ATTEMPTS_PER_MINUTE": "1000"})
    try:
        start = time.perf_counter()
        event_id, texts = setup_event(server, args.attendees)
        tokens = enrol(server, args.clients)
        print(f"{label}: {len(texts)} attendees, {len(tokens)} terminals in {time.perf_counter() - start:.1f} s (set-up)")
        total = args.clients * args.batches * args.batch
        # Half of the tickets, each scanned about twice (by any terminal): first scans and duplicates.
        pool = texts[: max(1, min(len(texts), total // 2))]
        scans = [rng.choice(pool) for _ in range(total)]
        plan = [[scans[(c * args.batches + b) * args.batch:(c * args.batches + b + 1) * args.batch]
                 for b in range(args.batches)] for c in range(args.clients)]
        base_s, base_n, base_fail = upload(server, tokens, plan, diagnostic)
        check_s, check_n, check_fail = upload(server, tokens, plan, checkin)
        counts = server.admin("GET", f"/admin/events/{event_id}/attendance").json()
        distinct = len(set(scans))
        correct = counts["checked_in"] == distinct and counts["duplicates"] == total - distinct
        online_codes = [rng.choice(texts) for _ in range(args.online)]
        single_s, single_n, single_fail = online(server, tokens, online_codes, use_checkins=False)
        online_s, online_n, online_fail = online(server, tokens, online_codes, use_checkins=True)
    finally:
        server.stop()
    base_rate, check_rate = base_n / base_s, check_n / check_s
    single_rate, online_rate = single_n / single_s, online_n / online_s
    failed = base_fail + check_fail + single_fail + online_fail
    print(f"  diagnostic records   {base_rate:8.1f} records/s   ({base_n} in batches of {args.batch}; baseline)")
    print(f"  check-in records     {check_rate:8.1f} check-ins/s ({check_n}; {check_rate / base_rate:.2f}x the baseline)")
    print(f"  one-record batches   {single_rate:8.1f} requests/s  (baseline for the online check)")
    print(f"  online checks        {online_rate:8.1f} checks/s    ({online_rate / single_rate:.2f}x one-record batches)")
    print(f"  attendance after ingest: {counts['checked_in']} checked in, {counts['duplicates']} duplicates flagged "
          f"(expected {distinct} and {total - distinct}): {'OK' if correct else 'WRONG'}"
          f"{f'; {failed} requests FAILED' if failed else ''}")
    return correct and not failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8, help="terminals uploading at once")
    parser.add_argument("--batches", type=int, default=10, help="batches per terminal")
    parser.add_argument("--batch", type=int, default=50, help="records per batch")
    parser.add_argument("--online", type=int, default=400, help="online checks (and one-record batches)")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"server: one uvicorn worker; {os.cpu_count()} cores shared with this load generator "
          f"(load average {os.getloadavg()[0]:.1f} at start)")
    return on_each_database("bench-checkin-ingest-", lambda name, url, workdir: measure(name, url, workdir, args))


if __name__ == "__main__":
    sys.exit(main())
