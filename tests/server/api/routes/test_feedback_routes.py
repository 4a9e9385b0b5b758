"""Feedback on the server: records become inbox items once, the workflow, who may handle them, deadlines,
alerts, statistics and the CSV export — over HTTP against the real server on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.server.calls import enrolled_terminal, record
from tests.server.console.console_client import create_operator
from tests.server.feedback_data import feedback_record, inbox, item_of, send

pytestmark = pytest.mark.postgresql  # the dialect matters: ON CONFLICT projection and the statistics SQL


def test_a_feedback_record_sent_twice_is_one_inbox_item(live_server):
    terminal = enrolled_terminal(live_server)
    sent = feedback_record(phone="13812345678", consent=True)
    assert send(terminal, sent)["accepted"] == [sent["id"]]
    assert send(terminal, sent)["duplicates"] == [sent["id"]]
    items = inbox(live_server)
    assert [i["tracking_number"] for i in items] == [sent["payload"]["tracking_number"]]
    item = items[0]
    assert (item["status"], item["category"], item["text"], item["terminal_id"]) == ("new", "repair", "12 楼茶水间停水了", terminal.id)
    assert item["phone"] == "13812345678"
    no_consent = feedback_record(phone="13912345678", consent=False)
    send(terminal, no_consent)
    assert item_of(live_server, no_consent)["phone"] is None  # kept, but not shown without consent


def test_a_100_kb_text_is_rejected_and_makes_no_item(live_server):
    terminal = enrolled_terminal(live_server)
    huge = feedback_record(text="长" * 100_000)
    result = send(terminal, huge)
    assert [r["id"] for r in result["rejected"]] == [huge["id"]] and "bytes" in result["rejected"][0]["error"]
    assert inbox(live_server) == []


def _transition(server, item_id: int, to: str, reason: str = "", token: str | None = None):
    return server.admin("POST", f"/admin/feedback/{item_id}/transition", json={"to": to, "reason": reason}, token=token)


def test_a_rejection_needs_a_reason(live_server):
    terminal = enrolled_terminal(live_server)
    send(terminal, sent := feedback_record())
    item_id = item_of(live_server, sent)["id"]
    for empty in ("", "   "):
        reply = _transition(live_server, item_id, "rejected", empty)
        assert reply.status_code == 422 and reply.json()["detail"]["field"] == "reason"
    assert item_of(live_server, sent)["status"] == "new"
    reply = _transition(live_server, item_id, "rejected", "重复提交，已在 F 号单处理")
    assert reply.status_code == 200
    assert (reply.json()["status"], reply.json()["reject_reason"]) == ("rejected", "重复提交，已在 F 号单处理")
    assert _transition(live_server, item_id, "accepted").status_code == 409


def test_an_operator_handles_feedback_and_a_terminal_cannot(live_server):
    terminal = enrolled_terminal(live_server)
    send(terminal, sent := feedback_record())
    item_id = item_of(live_server, sent)["id"]
    operator_token = live_server.login("operator", create_operator(live_server))
    assert _transition(live_server, item_id, "accepted", token=operator_token).status_code == 200
    note = live_server.admin("POST", f"/admin/feedback/{item_id}/notes", json={"text": "已派物业"}, token=operator_token)
    assert note.status_code == 200 and [n["text"] for n in note.json()["notes"]] == ["已派物业"]
    reply = live_server.admin("PUT", f"/admin/feedback/{item_id}/reply", json={"text": "已修复"}, token=operator_token)
    assert reply.status_code == 200 and reply.json()["public_reply"] == "已修复"
    # Account 1 is the administrator start_server made first.
    assert live_server.admin("POST", f"/admin/feedback/{item_id}/assign", json={"assignee_id": 1},
                             token=operator_token).json()["assignee"] == live_server.admin_username
    assert live_server.admin("POST", f"/admin/feedback/{item_id}/assign", json={"assignee_id": 999},
                             token=operator_token).status_code == 422
    for method, path, body in [("GET", "/admin/feedback", None), ("GET", f"/admin/feedback/{item_id}", None),
                               ("POST", f"/admin/feedback/{item_id}/transition", {"to": "in_progress"}),
                               ("PUT", f"/admin/feedback/{item_id}/reply", {"text": "forged"}),
                               ("GET", "/admin/feedback/export.csv", None)]:
        assert terminal.call(method, "/api/v1" + path, json=body).status_code == 401, path
    assert item_of(live_server, sent)["status"] == "accepted"
    assert live_server.admin("POST", f"/admin/feedback/{item_id}/notes", json={"text": "  "}).status_code == 422


def test_overdue_repairs_and_negative_ratings_are_flagged(live_server):
    terminal = enrolled_terminal(live_server)
    now = datetime.now(UTC)
    old_repair = feedback_record("repair", submitted_at=now - timedelta(hours=49))
    fresh_repair = feedback_record("repair", submitted_at=now - timedelta(hours=47))
    late_rating = feedback_record("service_rating", rating=1, reason="等了两个小时",
                                  followup_due=(now - timedelta(days=2)).date().isoformat())
    timely_rating = feedback_record("service_rating", rating=2, reason="态度差",
                                    followup_due=(now + timedelta(days=3)).date().isoformat())
    old_happy = feedback_record("service_rating", rating=5, submitted_at=now - timedelta(days=30))
    send(terminal, old_repair, fresh_repair, late_rating, timely_rating, old_happy)
    flags = {i["tracking_number"]: (i["overdue"], i["negative"]) for i in inbox(live_server)}
    assert flags == {old_repair["payload"]["tracking_number"]: (True, False),
                     fresh_repair["payload"]["tracking_number"]: (False, False),
                     late_rating["payload"]["tracking_number"]: (True, True),
                     timely_rating["payload"]["tracking_number"]: (False, True),
                     old_happy["payload"]["tracking_number"]: (False, False)}
    overdue = {i["tracking_number"] for i in inbox(live_server, overdue="true")}
    assert overdue == {old_repair["payload"]["tracking_number"], late_rating["payload"]["tracking_number"]}
    assert {i["tracking_number"] for i in inbox(live_server, negative="true")} == {
        late_rating["payload"]["tracking_number"], timely_rating["payload"]["tracking_number"]}
    item_id = item_of(live_server, old_repair)["id"]
    for to in ("accepted", "resolved"):
        _transition(live_server, item_id, to)
    assert not item_of(live_server, old_repair)["overdue"]  # handled in the end: no longer flagged
    assert date.fromisoformat(item_of(live_server, timely_rating)["followup_due"]) > now.date()


def test_inbox_filters(live_server):
    first, second = enrolled_terminal(live_server, "A"), enrolled_terminal(live_server, "B")
    now = datetime.now(UTC)
    send(first, a := feedback_record("repair"), b := feedback_record("service_rating", rating=4))
    send(second, c := feedback_record("other", submitted_at=now - timedelta(days=9)),
         d := feedback_record("other", suppressed="repeat"))

    def numbers(**filters):
        return {i["tracking_number"] for i in inbox(live_server, **filters)}

    def of(*records):
        return {r["payload"]["tracking_number"] for r in records}

    assert numbers() == of(a, b, c)  # the suppressed one is apart
    assert numbers(suppressed="true") == of(d)
    assert numbers(category="repair") == of(a)
    assert numbers(rating=4) == of(b)
    assert numbers(terminal_id=second.id) == of(c)
    _transition(live_server, item_of(live_server, a)["id"], "accepted")
    assert numbers(status="accepted") == of(a) and numbers(status="new") == of(b, c)
    assert numbers(newer_than_hours=1) == of(a, b, c)  # received now, whatever the submission time
    assert numbers(older_than_hours=1) == set()
    assert live_server.admin("GET", "/admin/feedback", params={"status": "bogus"}).status_code == 422


def test_an_alert_when_unhappy_ratings_cross_the_share_on_a_terminal(live_server):
    noisy, calm = enrolled_terminal(live_server, "noisy"), enrolled_terminal(live_server, "calm")
    now = datetime.now(UTC)

    def ratings(*values, at=now, **fields):
        return [feedback_record("service_rating", rating=v, submitted_at=at, **fields) for v in values]

    def alerts():
        return live_server.admin("GET", "/admin/feedback/alerts").json()

    send(noisy, *ratings(1, 1, at=now - timedelta(minutes=40)))  # outside the 15-minute window
    send(noisy, *ratings(1, 2, 1))  # three: fewer than the minimum of four
    send(noisy, *ratings(1, 1, suppressed="repeat"))  # suppressed presses never count
    send(calm, *ratings(1, 5, 4, 5))  # 1 of 4 unhappy
    assert alerts() == []
    send(noisy, *ratings(5))  # 3 of 4 unhappy
    assert alerts() == [{"terminal_id": noisy.id, "terminal_name": "noisy", "unhappy": 3, "rated": 4}]
    send(calm, *ratings(2))  # 2 of 5: below half
    send(noisy, *ratings(5, 4, 5))  # 3 of 7: below half again
    assert alerts() == []


def test_statistics_count_by_category_terminal_and_month(live_server):
    first, second = enrolled_terminal(live_server, "A"), enrolled_terminal(live_server, "B")
    march = datetime(2026, 3, 15, 12, tzinfo=UTC)
    last_day = datetime(2026, 3, 31, 17, tzinfo=UTC)  # 01:00 on 1 April in Beijing: an April item
    send(first, feedback_record("service_rating", rating=5, submitted_at=march),
         feedback_record("service_rating", rating=1, submitted_at=march),
         feedback_record("repair", submitted_at=last_day))
    send(second, feedback_record("service_rating", rating=5, submitted_at=last_day),
         feedback_record("service_rating", rating=3, submitted_at=last_day, suppressed="identical"),
         record("feedback", rating=2))
    stats = live_server.admin("GET", "/admin/feedback/stats").json()
    assert (stats["overall"]["total"], stats["overall"]["ratings"]) == (4, {"1": 1, "2": 0, "3": 0, "4": 0, "5": 2})
    assert stats["overall"]["average"] == (5 + 1 + 5) / 3
    assert [(t["key"], t["total"], t["ratings"]["5"], t["ratings"]["1"]) for t in stats["by_category"]] == [
        ("service_rating", 3, 2, 1), ("repair", 1, 0, 0)]
    assert [(t["label"], t["total"]) for t in stats["by_terminal"]] == [("A", 3), ("B", 1)]
    assert [(t["key"], t["total"]) for t in stats["by_month"]] == [("2026-03", 2), ("2026-04", 2)]
    assert (stats["suppressed"], stats["unreadable"]) == ({"identical": 1}, 1)
    march_only = live_server.admin("GET", "/admin/feedback/stats", params={
        "since": "2026-03-01T00:00:00Z", "until": "2026-03-31T00:00:00Z"}).json()
    assert march_only["overall"]["total"] == 2


def test_the_csv_export_has_every_inbox_item_and_no_phone_numbers(live_server):
    terminal = enrolled_terminal(live_server, "大堂 <1>")
    send(terminal, formula := feedback_record("other", text="=HYPERLINK(\"http://evil\")", phone="13812345678",
                                              consent=True),
         plain := feedback_record("service_rating", rating=2, text="窗口无人，\n等了很久", reason="态度差"))
    reply = live_server.admin("GET", "/admin/feedback/export.csv")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    text = reply.content.decode("utf-8")
    assert text.startswith("\ufeff") and "13812345678" not in text
    rows = {row["tracking_number"]: row for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))}
    assert set(rows) == {formula["payload"]["tracking_number"], plain["payload"]["tracking_number"]}
    assert rows[formula["payload"]["tracking_number"]]["text"] == "'=HYPERLINK(\"http://evil\")"
    row = rows[plain["payload"]["tracking_number"]]
    assert (row["terminal"], row["category"], row["rating"], row["negative"], row["status"], row["text"],
            row["reason"]) == ("大堂 <1>", "service_rating", "2", "True", "new", "窗口无人，\n等了很久", "态度差")
