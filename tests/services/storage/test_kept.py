"""Confirmed records kept on the terminal: personal fields only sealed (the server opens them, nobody else),
pruned by age and by size, oldest first, and put back in the outbox when a restored server asks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from common import sealed_box
from services.storage import kept
from services.storage.outbox import KeepPolicy, Outbox

SERVER_KEY = sealed_box.private_key_from_secret(b"s" * 32)
POLICY = KeepPolicy(days=14, max_bytes=1 << 20, seal_key=sealed_box.public_key_text(SERVER_KEY))


def _kept_rows(store) -> list[dict]:
    with store.transaction() as db:
        return [dict(row) for row in db.execute("SELECT * FROM kept ORDER BY confirmed_at")]


def test_a_kept_feedback_holds_the_phone_only_sealed_to_the_server(store):
    outbox = Outbox(store)
    record_id = outbox.add("feedback", {"text": "空调不制冷", "phone": "13912345678"})
    outbox.confirm([record_id], POLICY)
    [row] = _kept_rows(store)
    payload = json.loads(row["payload"])
    assert "phone" not in payload and "13912345678" not in row["payload"]
    assert json.loads(sealed_box.open_sealed(SERVER_KEY, payload["sealed_fields"])) == {"phone": "13912345678"}
    assert sealed_box.open_sealed(sealed_box.private_key_from_secret(b"x" * 32), payload["sealed_fields"]) is None
    # Without the server's key the phone is not kept at all, rather than kept in clear.
    other = outbox.add("feedback", {"text": "好", "phone": "13900000000"})
    outbox.confirm([other], KeepPolicy(days=14, max_bytes=1 << 20, seal_key=None))
    assert "13900000000" not in json.dumps(_kept_rows(store), ensure_ascii=False)


def test_kept_records_are_pruned_by_age_then_by_size_oldest_first(store):
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    with store.transaction() as db:
        for n in range(10):
            db.execute("INSERT INTO kept (id, kind, created_at, payload, confirmed_at) VALUES (?, ?, ?, ?, ?)",
                       (f"r{n}", "diagnostic", now.isoformat(), json.dumps({"pad": "x" * 900}),
                        kept._stamp(now - timedelta(days=20 - 2 * n))))
        # Ages 20, 18 and 16 days are past 14 days; of the seven left, only three fit 3.1 kB (each row counts its payload and 100 bytes).
        assert kept.prune(db, now, keep_days=14, keep_bytes=3100) == 3 + 4
    assert [row["id"] for row in _kept_rows(store)] == ["r7", "r8", "r9"]


def test_kept_records_confirmed_since_a_time_go_back_into_the_outbox_once(store):
    outbox = Outbox(store)
    ids = [outbox.add("diagnostic", {"n": n}) for n in range(3)]
    outbox.confirm(ids, POLICY)
    assert outbox.depth() == 0
    assert outbox.requeue_kept(datetime.now(UTC) - timedelta(minutes=5)) == 3
    assert outbox.requeue_kept(datetime.now(UTC) - timedelta(minutes=5)) == 0  # already queued: not twice
    assert [record.id for record in outbox.next_batch(10)] == ids
    assert outbox.requeue_kept(datetime.now(UTC) + timedelta(hours=2)) == 0  # nothing kept since then
