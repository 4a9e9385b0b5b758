"""Handling feedback (server/feedback/workflow.py) straight against the database: only the workflow's
transitions, a rejection with a reason, assignee, internal notes, the public reply, each audited, and two
operators changing one item at once serialised by its row lock."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import select

from server.accounts import users
from server.feedback import workflow
from server.fleet.models import AuditEntry, FeedbackItem
from tests.server.domain.builders import ACTOR, BOTH_DIALECTS, feedback, receive, terminal

STATUSES = ("new", "accepted", "in_progress", "resolved", "closed", "rejected")
# The rule, stated here independently of workflow.TRANSITIONS.
ALLOWED = {("new", "accepted"), ("new", "rejected"), ("accepted", "in_progress"), ("accepted", "resolved"),
           ("accepted", "rejected"), ("in_progress", "resolved"), ("in_progress", "rejected"),
           ("resolved", "closed"), ("resolved", "in_progress")}
# A way to reach each status from new.
PATH_TO = {"new": [], "accepted": ["accepted"], "in_progress": ["accepted", "in_progress"],
           "resolved": ["accepted", "resolved"], "closed": ["accepted", "resolved", "closed"], "rejected": ["rejected"]}


def _item(db, **fields) -> FeedbackItem:
    sent = feedback(**fields)
    receive(db, terminal(db, f"T-{sent['id'][:8]}"), sent)
    item = db.scalars(select(FeedbackItem).where(FeedbackItem.record_id == sent["id"])).one()
    db.commit()  # end the read's transaction: on SQLite every transaction holds the write lock
    return item


def _to(db, item: FeedbackItem, status: str, reason: str = "", actor: str = ACTOR) -> None:
    workflow.transition(db, item, status, reason or ("重复提交" if status == "rejected" else ""), actor)
    db.commit()


def _audit(db, action: str) -> list[AuditEntry]:
    db.expire_all()
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.mark.parametrize(("start", "to"), list(itertools.product(STATUSES, STATUSES)))
def test_only_the_workflows_transitions_are_allowed(db, start, to):
    item = _item(db)
    for step in PATH_TO[start]:
        _to(db, item, step)
    assert item.status == start
    if (start, to) in ALLOWED:
        _to(db, item, to)
        assert item.status == to
    else:
        with pytest.raises(workflow.FeedbackRefused, match=f"An item that is {start} cannot become {to}.") as refused:
            workflow.transition(db, item, to, "a reason", ACTOR)
        assert refused.value.field == "status" and item.status == start


def test_each_transition_is_audited_with_from_to_and_actor(db):
    item = _item(db)
    before = item.updated_at
    for status in ("accepted", "in_progress", "resolved", "in_progress", "resolved", "closed"):
        _to(db, item, status, actor="operator1")
    assert item.updated_at > before
    entries = _audit(db, "feedback.status")
    assert [(e.detail["from"], e.detail["to"]) for e in entries] == [
        ("new", "accepted"), ("accepted", "in_progress"), ("in_progress", "resolved"), ("resolved", "in_progress"),
        ("in_progress", "resolved"), ("resolved", "closed")]
    assert {(e.actor, e.target) for e in entries} == {("operator1", f"feedback {item.tracking_number}")}


def test_a_rejection_needs_a_reason_and_is_final(db):
    item = _item(db)
    for empty in ("", "   "):
        with pytest.raises(workflow.FeedbackRefused, match="A rejection needs a reason.") as refused:
            workflow.transition(db, item, "rejected", empty, ACTOR)
        assert refused.value.field == "reason"
    with pytest.raises(workflow.FeedbackRefused, match="At most 500 characters."):
        workflow.transition(db, item, "rejected", "长" * 501, ACTOR)
    assert (item.status, item.reject_reason) == ("new", None)
    assert _audit(db, "feedback.status") == []

    workflow.transition(db, item, "rejected", "  重复提交，已在 F 号单处理 ", ACTOR)
    db.commit()
    assert (item.status, item.reject_reason) == ("rejected", "重复提交，已在 F 号单处理")
    [entry] = _audit(db, "feedback.status")
    assert entry.detail == {"from": "new", "to": "rejected", "reason": "重复提交，已在 F 号单处理"}
    with pytest.raises(workflow.FeedbackRefused):
        workflow.transition(db, item, "accepted", "", ACTOR)


def test_an_item_is_assigned_to_a_staff_account_or_to_nobody(db):
    item = _item(db)
    operator = users.create_account(db, "operator1", "operator", "a-long-enough-password", ACTOR)
    workflow.assign(db, item, operator.id, ACTOR)
    db.commit()
    assert item.assignee.username == "operator1"
    with pytest.raises(workflow.FeedbackRefused, match="No such staff account.") as refused:
        workflow.assign(db, item, operator.id + 999, ACTOR)
    assert refused.value.field == "assignee"
    db.rollback()
    db.expire_all()
    assert db.get(FeedbackItem, item.id).assignee.username == "operator1"
    workflow.assign(db, item, None, ACTOR)
    db.commit()
    assert item.assignee is None
    assert [e.detail for e in _audit(db, "feedback.assign")] == [{"assignee": "operator1"}, {"assignee": None}]


def test_internal_notes_are_kept_in_order_and_an_empty_one_is_refused(db):
    item = _item(db)
    workflow.add_note(db, item, "  已派物业  ", "operator1")
    workflow.add_note(db, item, "物业已到场", "operator2")
    db.commit()
    assert [(n.author, n.text) for n in workflow.notes_of(db, item)] == [("operator1", "已派物业"), ("operator2", "物业已到场")]
    for bad, message in (("  ", "The note is empty."), ("x" * 2001, "At most 2000 characters.")):
        with pytest.raises(workflow.FeedbackRefused, match=message) as refused:
            workflow.add_note(db, item, bad, ACTOR)
        assert refused.value.field == "note"
    assert [e.detail for e in _audit(db, "feedback.note")] == [{"length": 4}, {"length": 5}]


def test_the_public_reply_replaces_the_earlier_one_and_is_audited(db):
    item = _item(db)
    assert (item.public_reply, item.replied_at) == (None, None)
    workflow.set_reply(db, item, "已安排维修", ACTOR)
    first_at = item.replied_at
    workflow.set_reply(db, item, " 已修复，感谢反馈 ", ACTOR)
    db.commit()
    assert item.public_reply == "已修复，感谢反馈" and item.replied_at >= first_at
    with pytest.raises(workflow.FeedbackRefused, match="The reply is empty.") as refused:
        workflow.set_reply(db, item, "   ", ACTOR)
    assert refused.value.field == "reply"
    assert [e.detail for e in _audit(db, "feedback.reply")] == [{"reply": "已安排维修"}, {"reply": "已修复，感谢反馈"}]


@BOTH_DIALECTS
def test_two_operators_changing_one_item_at_once_are_serialised(db, sessions):
    item_id = _item(db).id
    outcome: list = []
    with sessions() as first:
        workflow.transition(first, workflow.locked_item(first, item_id), "accepted", "", "operator1")  # not committed

        def second_operator():
            with sessions() as session:
                try:
                    workflow.transition(session, workflow.locked_item(session, item_id), "accepted", "", "operator2")
                    session.commit()
                    outcome.append("accepted twice")
                except workflow.FeedbackRefused as exc:
                    outcome.append(str(exc))

        thread = threading.Thread(target=second_operator, daemon=True)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the item's row (PostgreSQL) or the write lock (SQLite)
        first.commit()
    thread.join(60)
    # It saw the first operator's change: the item is accepted already.
    assert outcome == ["An item that is accepted cannot become accepted."]
    assert [(e.actor, e.detail["to"]) for e in _audit(db, "feedback.status")] == [("operator1", "accepted")]
