"""Usage analytics at fleet scale: visits ingested and aggregated per second, and the console's Usage page for 90
days rendered, p95, on SQLite and on PostgreSQL.

Run from the project root:  python bench/bench_usage_page.py  [--terminals 1000] [--visits 200] [--days 90]
                            [--rounds 40] [--only SQLite|PostgreSQL] [--explain]

Per database: the real server (tests/live_server.py) is started on a fresh database; TERMINALS terminals in
10 groups are made. The data set, then: one day of VISITS visits per terminal (searches, guides viewed, some
printed or taken by QR, languages, large text).
- A tenth of the terminals send theirs as POST /terminal/records stores them: the records stored and projected
  (server/fleet/records.py and the usage projection, one terminal's day per transaction). Measured: visits/s,
  against the same number of "diagnostic" records (stored, nothing projected) on the same terminals, the baseline.
- The other terminals' days go through the same usage projection (raw visits and searches, aggregates per
  terminal, group, fleet, day and hour: server/usage/ingest.py) without the record store, 20 terminals' days per
  transaction: the aggregates exactly as ingestion makes them, faster (set-up, not measured).
- That day's aggregates are copied to the DAYS - 1 days before it in SQL (set-up), so the aggregates hold DAYS days
  of the whole fleet (the searches that found nothing too; the raw searches stay one day's).
Then, over HTTP, signed in, ROUNDS times each: the Usage page with its default filters (the fleet, the last 90
days), for one group and for one terminal over the DAYS days; the admin API's figures (/api/v1/admin/usage/summary,
/days, /heat, /breakdown, /terminals, /search-gaps) for the fleet over the DAYS days; the searches page. The
baseline, in the same run: the same Usage page for DAYS days that hold no visits (same terminals, same tables to
draw, nothing to add up). Printed: p50 and p95 per view, and p95 as a multiple of the baseline's. The exit status
is 1 when a p95 of the Usage page or the searches page is 500 ms or more. --explain: before the timing, each
query of the pages (server/usage/queries.py, search_gaps.py) per view, timed, with its plan
(bench/query_plans.py).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import time
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from databases import on_each_database  # noqa: E402

from bench.query_plans import print_statements  # noqa: E402
from bench.timing import percentile  # noqa: E402
from server.core.config import current_settings  # noqa: E402
from server.core.db import make_engine, make_session_factory  # noqa: E402
from server.fleet import records, terminals  # noqa: E402
from server.fleet.models import TerminalGroup  # noqa: E402
from server.projections import register_projections  # noqa: E402
from server.usage import ingest as usage_ingest  # noqa: E402
from server.usage import search_gaps  # noqa: E402
from server.usage.queries import UsageFilter, figures, local_today, visits_by_terminal  # noqa: E402
from tests.live_server import start_server  # noqa: E402
from tests.server.console.console_client import ConsoleClient  # noqa: E402

TARGET_P95_MS = 500
ROUNDS = 40
PROJECTED_PER_TRANSACTION = 20
SUMMARY_PATHS = ("summary", "days", "heat", "breakdown", "terminals", "search-gaps")
# The aggregate tables and their columns after (terminal_id, day): what the set-up copies to the days before.
AGGREGATES = {"usage_daily": "visits", "usage_hourly": "hour, visits, seconds", "usage_counts": "metric, key, count",
              "usage_query_gaps": "query, visits, no_results, unopened"}
GROUPS = 10
CODES = [f"RS-{n:03d}" for n in range(1, 41)] + [f"GJJ-{n:03d}" for n in range(1, 21)] + [
    f"SC-{n:03d}" for n in range(1, 31)]
QUERIES = ["社保卡", "公积金提取", "营业执照", "sbk", "驾驶证", "宠物医院", "个税", "居住证", "开网店", "停车缴费"]


def visit_payload(rng: random.Random, started: datetime) -> dict:
    views = [{"code": rng.choice(CODES), "via": rng.choice(("search", "department", "life_event", "popular")),
              "qr_shown": rng.random() < 0.4, "printed": rng.random() < 0.1} for _ in range(rng.randrange(0, 3))]
    searches = []
    for _ in range(rng.randrange(0, 3)):
        results = rng.choice((0, 3, 8))
        searches.append({"query": rng.choice(QUERIES), "results": results, "top": rng.sample(CODES, min(3, results)),
                         "opened": views[0]["code"] if views and results and rng.random() < 0.6 else None})
    return {"started_at": started.isoformat(), "seconds": rng.randrange(10, 400),
            "language": "en" if rng.random() < 0.1 else "zh_CN", "large_text": rng.random() < 0.15,
            "modules": ["guide"] if views or searches else [rng.choice(("checkin", "feedback"))],
            "views": views, "searches": searches, "checkins": 0, "feedback": 0,
            "ended": rng.choice(("idle", "home", "finished"))}


def day_of_records(rng: random.Random, day_start: datetime, visits: int, kind: str) -> list[dict]:
    rows = []
    for _ in range(visits):
        started = day_start + timedelta(hours=rng.choice((0, 1, 1, 2, 2, 3, 5, 6, 7, 8)), minutes=rng.randrange(60))
        payload = visit_payload(rng, started) if kind == "usage_visit" else {"note": "x" * 200}
        rows.append({"id": str(uuid.uuid4()), "kind": kind, "created_at": started, "received_at": started,
                     "payload": payload})
    return rows


def ingest(sessions, terminal_ids: list[int], rng, day_start: datetime, visits: int, kind: str) -> float:
    """Seconds to store (and project) one day of ``visits`` per terminal, a terminal's day per transaction."""
    spent = 0.0
    for terminal_id in terminal_ids:
        batch = day_of_records(rng, day_start, visits, kind)
        started = time.perf_counter()
        with sessions() as db:
            terminal = db.get(records.Terminal, terminal_id)
            rows = [{**row, "terminal_id": terminal_id} for row in batch]
            records.project_new(db, terminal, rows, records.insert_new(db, rows))
            db.commit()
        spent += time.perf_counter() - started
    return spent


def project_only(sessions, terminal_ids: list[int], rng, day_start: datetime, visits: int) -> None:
    """One day of ``visits`` per terminal through the usage projection alone (no record store), several
    terminals' days per transaction."""
    for first in range(0, len(terminal_ids), PROJECTED_PER_TRANSACTION):
        with sessions() as db:
            for terminal_id in terminal_ids[first:first + PROJECTED_PER_TRANSACTION]:
                usage_ingest.project(db, db.get(records.Terminal, terminal_id),
                                     day_of_records(rng, day_start, visits, "usage_visit"))
            db.commit()


def copy_days(engine, day, days: int) -> None:
    """The day's aggregates copied to the ``days - 1`` days before it, in the database."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        for table, columns in AGGREGATES.items():
            if postgres:
                connection.execute(text(
                    f"INSERT INTO {table} (terminal_id, day, {columns}) SELECT terminal_id, day - n, {columns} "
                    f"FROM {table}, generate_series(1, :k) AS n WHERE day = :day"), {"k": days - 1, "day": day})
            else:
                connection.execute(text(
                    f"WITH RECURSIVE back(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM back WHERE n < :k) "
                    f"INSERT INTO {table} (terminal_id, day, {columns}) SELECT terminal_id, "
                    f"date(day, '-' || n || ' days'), {columns} FROM {table}, back WHERE day = :day"),
                    {"k": days - 1, "day": day.isoformat()})
        if not postgres:
            connection.execute(text("ANALYZE"))
    if postgres:
        # Vacuumed, analysed and checkpointed, as a database filled over 90 days is (rather than vacuuming and
        # writing out 14 million fresh rows in the background while the pages are timed).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
    else:
        # The copy is one huge transaction: its pages are checkpointed into the file, as SQLite does every
        # thousand pages in normal running, rather than read through a gigabyte of write-ahead log.
        with closing(sqlite3.connect(engine.url.database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def timed(fetch, rounds: int) -> list[float]:
    """Milliseconds per call of ``fetch`` (a function returning a reply), once untimed first (templates compiled,
    connections open)."""
    fetch()
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        reply = fetch()
        timings.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200, (reply.url, reply.status_code)
    return timings


def build(sessions, engine, ids: list[int], rng, day, args: argparse.Namespace) -> dict[str, float]:
    """The data set (see the module's docstring); seconds per step, and the visits/s of the measured ingest."""
    day_start = datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)  # 08:30 in Harbin
    sample = ids[: max(1, len(ids) // 10)]
    spent = {"baseline_s": ingest(sessions, sample, rng, day_start, args.visits, "diagnostic"),
             "usage_s": ingest(sessions, sample, rng, day_start, args.visits, "usage_visit"),
             "sample_visits": len(sample) * args.visits}
    started = time.perf_counter()
    project_only(sessions, ids[len(sample):], rng, day_start, args.visits)
    spent["projected_s"] = time.perf_counter() - started
    started = time.perf_counter()
    copy_days(engine, day, args.days)
    spent["copied_s"] = time.perf_counter() - started
    with engine.connect() as connection:
        spent["rows"] = sum(connection.scalar(text(f"SELECT count(*) FROM {table}"))
                            for table in AGGREGATES)
    return spent


def measure(label: str, database_url: str, workdir: Path, args: argparse.Namespace) -> bool:
    rng = random.Random(20)
    server = start_server(database_url, workdir / "server", env={"OPERATIONS_INTERVAL_SECONDS": "0"})
    os.environ["DATABASE_URL"] = database_url
    current_settings.cache_clear()
    register_projections()
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    try:
        with sessions() as db:
            ids = [terminals.create_terminal(db, f"T{n:04d}", "大堂", f"G{n % GROUPS:02d}", "bench").id
                   for n in range(args.terminals)]
            db.commit()
        today = local_today(current_settings().timezone, datetime.now(UTC))
        day = today - timedelta(days=1)
        built = build(sessions, engine, ids, rng, day, args)
        first_day = day - timedelta(days=args.days - 1)
        if args.explain:
            explain(engine, sessions, first_day, day, ids[0])
        client = ConsoleClient(server)
        client.sign_in()
        span = f"first_day={first_day}&last_day={day}"
        empty = f"first_day={first_day - timedelta(days=args.days)}&last_day={first_day - timedelta(days=1)}"
        views = {"baseline: days without visits": f"/usage?{empty}", "default (fleet, last 90 days)": "/usage",
                 f"a group, {args.days} days": f"/usage?{span}&group_id=1",
                 f"a terminal, {args.days} days": f"/usage?{span}&terminal_id={ids[0]}",
                 f"searches page, {args.days} days": f"/usage/searches?{span}"}
        timings = {name: timed(lambda path=path: client.page(path), args.rounds) for name, path in views.items()}
        for name in SUMMARY_PATHS:
            timings[f"API /admin/usage/{name}"] = timed(
                lambda name=name: server.admin("GET", f"/admin/usage/{name}?{span}"), args.rounds)
    finally:
        engine.dispose()
        server.stop()
    return report(label, args, len(ids), built, timings)


def explain(engine, sessions, first_day, last_day, terminal_id: int) -> None:
    """The Usage pages' queries (server/usage/queries.py, search_gaps.py), each timed, with its plan, per view."""
    with sessions() as db:
        group_id = db.scalar(select(TerminalGroup.id).order_by(TerminalGroup.id).limit(1))
        for name, chosen in (("fleet", {}), ("a group", {"group_id": group_id}), ("a terminal", {"terminal_id": terminal_id})):
            wanted = UsageFilter(first_day, last_day, **chosen)
            print_statements(engine, f"{name}: figures", lambda wanted=wanted: figures(db, wanted))
            print_statements(engine, f"{name}: visits per terminal",
                             lambda wanted=wanted: visits_by_terminal(db, wanted))
            print_statements(engine, f"{name}: searches that found nothing",
                             lambda wanted=wanted: search_gaps.search_gaps(db, wanted))


def report(label: str, args: argparse.Namespace, terminal_count: int, built: dict[str, float],
           timings: dict[str, list[float]]) -> bool:
    base_rate, usage_rate = built["sample_visits"] / built["baseline_s"], built["sample_visits"] / built["usage_s"]
    print(f"{label}: {terminal_count} terminals x {args.visits} visits a day x {args.days} days = "
          f"{terminal_count * args.visits * args.days:,} visits, {built['rows']:,.0f} aggregate rows; set-up: "
          f"{built['projected_s']:.0f} s projecting, {built['copied_s']:.0f} s copying days; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"  diagnostic records  {base_rate:9.0f} records/s (baseline, {built['sample_visits']:.0f} records)")
    print(f"  usage visits        {usage_rate:9.0f} visits/s  ({usage_rate / base_rate:.2f}x the baseline)")
    met = True
    baseline_p95 = percentile(next(iter(timings.values())), 95)
    for name, values in timings.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"  {name:<32} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  ({p95 / baseline_p95:5.2f}x the baseline)")
        if not name.startswith(("baseline", "API")):
            met = met and p95 < TARGET_P95_MS
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=1000)
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--explain", action="store_true", help="print each query of the page, timed, with its plan")
    parser.add_argument("--only", choices=("SQLite", "PostgreSQL"), help="measure on this database only")

    def measure_chosen(label: str, url: str, workdir: Path) -> bool:
        if args.only and label != args.only:
            print(f"{label}: skipped (--only {args.only})")
            return True
        return measure(label, url, workdir, args)

    args = parser.parse_args()
    return on_each_database("usage-page-", measure_chosen)


if __name__ == "__main__":
    sys.exit(main())
