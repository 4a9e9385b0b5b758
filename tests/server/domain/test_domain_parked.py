"""server/fleet/parked.py against a migrated database: a refused record kept with its error, retried into the
store once it passes (the projection runs), refused again with the new error, discarded with a reason; audited."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.core.clock import utcnow
from server.fleet import parked
from server.fleet.models import AuditEntry, FeedbackItem, ParkedRecord, Record
from tests.server.domain.builders import ACTOR, BOTH_DIALECTS, feedback, terminal


def _audit(db, action: str) -> list[AuditEntry]:
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@BOTH_DIALECTS
def test_a_record_an_older_server_refused_is_stored_by_a_retry(db, settings):
    sender = terminal(db)
    sent = feedback("repair", text="电梯坏了")
    # An older server did not know this record's shape; this one does.
    parked.park(db, sender, [(sent, "payload.category: not a known category")], utcnow())
    parked.park(db, sender, [(sent, "payload.category: not a known category")], utcnow())  # sent again: one row
    db.commit()
    [kept] = parked.waiting(db, 10)
    assert (kept.record_id, kept.kind, kept.record) == (sent["id"], "feedback", sent)

    assert parked.retry(db, parked.locked(db, kept.id), settings, ACTOR, utcnow()) is None
    db.commit()
    assert db.scalar(select(func.count()).select_from(Record).where(Record.id == sent["id"])) == 1
    assert db.scalar(select(func.count()).select_from(FeedbackItem)) == 1  # the projection ran
    assert (parked.waiting(db, 10), [p.status for p in parked.resolved(db, 10)]) == ([], ["stored"])
    [entry] = _audit(db, "record.retry_stored")
    assert entry.target == f"record:{sender.id}:{sent['id']}" and entry.detail["duplicate"] is False
    with pytest.raises(parked.NotParked):
        parked.retry(db, parked.locked(db, kept.id), settings, ACTOR, utcnow())


@BOTH_DIALECTS
def test_a_record_refused_again_keeps_the_new_error_and_is_discarded_with_a_reason(db, settings):
    sender = terminal(db)
    raw = {"id": str(uuid.uuid4()), "kind": "visit_v9", "created_at": utcnow().isoformat(), "payload": {}}
    parked.park(db, sender, [(raw, "an old error")], utcnow())
    db.commit()
    [kept] = parked.waiting(db, 10)
    error = parked.retry(db, parked.locked(db, kept.id), settings, ACTOR, utcnow())
    db.commit()
    assert "kind" in error and db.get(ParkedRecord, kept.id).error == error and parked.waiting(db, 10) == [kept]
    assert db.scalar(select(func.count()).select_from(Record)) == 0

    parked.discard(db, parked.locked(db, kept.id), "来自测试终端的旧版记录", ACTOR, utcnow())
    db.commit()
    gone = db.get(ParkedRecord, kept.id)
    assert (gone.status, gone.discard_reason, gone.resolved_by) == ("discarded", "来自测试终端的旧版记录", ACTOR)
    [entry] = _audit(db, "record.discard")
    assert entry.detail["reason"] == "来自测试终端的旧版记录" and entry.detail["error"] == error
    with pytest.raises(parked.NotParked):
        parked.discard(db, parked.locked(db, kept.id), "again", ACTOR, utcnow())


def test_a_record_too_large_to_keep_is_listed_but_cannot_be_retried(db, settings):
    sender = terminal(db)
    raw = {"id": str(uuid.uuid4()), "kind": "feedback", "payload": {"text": "x" * (parked.MAX_KEPT_BYTES + 1)}}
    parked.park(db, sender, [(raw, "payload: too large")], utcnow())
    db.commit()
    [kept] = parked.waiting(db, 10)
    assert kept.record is None and kept.record_id == raw["id"]
    assert parked.retry(db, parked.locked(db, kept.id), settings, ACTOR, utcnow()) == "payload: too large"
