"""Draining a full outbox to a real server: batches against one request per record.

Run from the project root:  python bench/bench_outbox_drain.py  [--records N] [--batch B]

Starts the real server (uvicorn in a subprocess, SQLite) with tests/live_server.py, enrols two
terminals, queues the same number of records on each, and lets the sync engine drain them: once in
batches of B, once with a batch size of 1 (the baseline: one request per record), in the same run.
Both drains must leave every record on the server exactly once; the exit status is 1 when not.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.paths import DEFAULT_SETTINGS_FILE, SAMPLE_CATALOGUE_FILE  # noqa: E402
from common.settings import merge_layers, parse_settings, read_settings_document  # noqa: E402
from services.storage.outbox import Outbox  # noqa: E402
from services.storage.store import LocalStore  # noqa: E402
from services.sync.engine import SyncEngine  # noqa: E402
from services.sync.enrolment import redeem_code  # noqa: E402
from services.sync.identity import save_identity  # noqa: E402
from tests.live_server import start_server  # noqa: E402

# Records are spread over the kinds so each kind's listing stays under the admin API's 5,000-row limit.
KINDS = ("checkin", "feedback", "diagnostic")


def drain(server, workdir: Path, name: str, records: int, batch: int) -> tuple[float, set[str]]:
    """Seconds from start until the outbox is empty, and the ids that were queued."""
    data_dir = workdir / name
    data_dir.mkdir()
    save_identity(data_dir, redeem_code(server.url, server.enrol(name, "bench"), "bench"))
    store = LocalStore.open(data_dir / "store.sqlite", SAMPLE_CATALOGUE_FILE)
    # As if the server had configured this batch size; the first cycle drains before its heartbeat.
    layer = {"sync": {"batch_size": batch}}
    store.save_remote_settings(parse_settings(merge_layers(read_settings_document(DEFAULT_SETTINGS_FILE), layer),
                                              "bench"), version=0)
    outbox = Outbox(store)
    ids = {outbox.add(KINDS[n % len(KINDS)], {"rating": n % 5 + 1, "comment": f"record {n}"}) for n in range(records)}
    engine = SyncEngine(store=store, data_dir=data_dir, server_url=None, app_version="bench",
                        heartbeat_info=dict, rng=random.Random(1))
    start = time.perf_counter()
    engine.start()
    while outbox.depth():
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    engine.stop(timeout=30)
    store.close()
    return seconds, ids


def stored_once(server, name: str, ids: set[str]) -> bool:
    [terminal] = [t for t in server.admin("GET", "/admin/terminals").json() if t["name"] == name]
    stored = []
    for kind in KINDS:  # the listing returns at most 5,000 rows: one call per kind
        reply = server.admin("GET", f"/admin/records?terminal_id={terminal['id']}&kind={kind}&limit=5000")
        reply.raise_for_status()
        stored += [r["id"] for r in reply.json()]
    return len(stored) == len(set(stored)) and set(stored) == ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    if args.records > 5000 * len(KINDS):
        parser.error(f"at most {5000 * len(KINDS)} records (the admin listing checks them per kind)")
    logging.basicConfig(level=logging.ERROR)

    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp:
        workdir = Path(tmp)
        server = start_server(f"sqlite:///{workdir / 'server.sqlite'}", workdir / "server")
        try:
            batched, batched_ids = drain(server, workdir, "batched", args.records, args.batch)
            single, single_ids = drain(server, workdir, "single", args.records, 1)
            complete = stored_once(server, "batched", batched_ids) and stored_once(server, "single", single_ids)
        finally:
            server.stop()

    print(f"records            {args.records} per drain, SQLite server on loopback")
    print(f"drain in batches   {batched:7.2f} s   batch {args.batch}; {args.records / batched:8.0f} records/s")
    print(f"drain one by one   {single:7.2f} s   batch 1;   {args.records / single:8.0f} records/s")
    print(f"batched/one-by-one {batched / single:7.3f}x   ({single / batched:.1f} times faster in batches)")
    print(f"stored once        {'OK' if complete else 'MISSED'}   every record on the server exactly once, both drains")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
