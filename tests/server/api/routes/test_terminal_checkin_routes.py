"""A terminal's check-in calls over real HTTP: the bundle (ETag, 304, only its own events, revocations,
sealed names) and every verdict of the online check."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from common import tickets
from tests.server.calls import enrolled_terminal, parse_time
from tests.server.checkin_calls import attendee, event_body, published_event, scan_online, ticket_text

pytestmark = pytest.mark.postgresql  # the dialect matters: row locks on tickets and the check-in projection


def _bundle(terminal, etag: str | None = None):
    headers = {"If-None-Match": f'"{etag}"'} if etag else {}
    return terminal.call("GET", "/terminal/checkin", headers=headers)


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_bundle_holds_the_terminals_events_keys_names_and_revocations_with_an_etag(live_server):
    lobby = enrolled_terminal(live_server, "T1 大堂 1 号机", group="T1 lobby")
    other = enrolled_terminal(live_server, "T3 大堂 1 号机")
    everywhere = published_event(live_server)
    groups = {g["name"]: g["id"] for g in live_server.admin("GET", "/admin/terminal-groups").json()}
    lobby_only = published_event(live_server, title_zh="仅 T1 大堂", all_terminals=False,
                                 group_ids=[groups["T1 lobby"]])
    other_only = published_event(live_server, title_zh="仅 T3", all_terminals=False, terminal_ids=[other.id])
    draft = live_server.admin("POST", "/admin/events", json=event_body(title_zh="草稿")).json()
    person = attendee(live_server, everywhere["id"], "张三", "13800138000")
    gone = attendee(live_server, everywhere["id"], "李四", "13900139000")
    code = ticket_text(live_server, everywhere["id"], person["id"])

    first = _bundle(lobby)
    assert first.status_code == 200
    bundle = first.json()
    assert first.headers["ETag"] == f'"{bundle["etag"]}"'
    assert lobby.heartbeat().json()["checkin_etag"] == bundle["etag"]
    assert [e["id"] for e in bundle["events"]] == sorted([everywhere["id"], lobby_only["id"]])
    assert draft["id"] not in [e["id"] for e in bundle["events"]]
    assert [e["id"] for e in _bundle(other).json()["events"]] == [everywhere["id"], other_only["id"]]
    event = next(e for e in bundle["events"] if e["id"] == everywhere["id"])
    assert event["title"] == {"zh": "政务服务宣讲会", "en": "Services briefing"} and event["status"] == "published"
    assert len(_unb64(event["phone_secret"])) == 32
    keys = {k["key_id"]: _unb64(k["public_key"]) for k in bundle["public_keys"]}
    assert tickets.verify(code, keys).ticket_id == person["ticket_id"]
    sealed = {n["ticket_id"]: n["sealed"] for n in bundle["names"]}
    assert tickets.open_name(code, sealed[person["ticket_id"]]) == "张三"
    assert tickets.open_name("LK:SOMETHINGELSE", sealed[person["ticket_id"]]) is None
    assert bundle["revoked"] == [] and bundle["recent"] == []

    assert _bundle(lobby, bundle["etag"]).status_code == 304
    live_server.admin("POST", f"/admin/events/{everywhere['id']}/attendees/{gone['id']}/revoke").raise_for_status()
    assert lobby.heartbeat().json()["checkin_etag"] != bundle["etag"]
    changed = _bundle(lobby, bundle["etag"])
    assert changed.status_code == 200 and changed.json()["revoked"] == [gone["ticket_id"]]
    assert gone["ticket_id"] not in {n["ticket_id"] for n in changed.json()["names"]}

    assert scan_online(other, code)["kind"] == "welcome"
    after_checkin = _bundle(lobby, changed.json()["etag"])
    assert after_checkin.status_code == 200
    assert [(r["ticket_id"], r["terminal_name"]) for r in after_checkin.json()["recent"]] == [
        (person["ticket_id"], "T3 大堂 1 号机")]
    assert next(e for e in after_checkin.json()["events"] if e["id"] == everywhere["id"])["checked_in"] == 1


def test_the_online_check_gives_every_verdict(live_server):
    terminal = enrolled_terminal(live_server, "T1 大堂 1 号机")
    elsewhere = enrolled_terminal(live_server, "T3 大堂 1 号机")
    now = datetime.now(UTC)
    event = published_event(live_server)
    not_here = published_event(live_server, title_zh="别处", all_terminals=False, terminal_ids=[elsewhere.id])
    later = published_event(live_server, title_zh="明天", opens_at=(now + timedelta(days=1)).isoformat(),
                            closes_at=(now + timedelta(days=1, hours=2)).isoformat())
    over = published_event(live_server, title_zh="结束", opens_at=(now - timedelta(hours=3)).isoformat(),
                           closes_at=(now - timedelta(hours=1)).isoformat())
    called_off = published_event(live_server, title_zh="取消")

    def code_for(ev, phone, name="张三"):
        person = attendee(live_server, ev["id"], name, phone)
        return person, ticket_text(live_server, ev["id"], person["id"])

    person, code = code_for(event, "13800138000")
    revoked, revoked_code = code_for(event, "13800138001", "李四")
    live_server.admin("POST", f"/admin/events/{event['id']}/attendees/{revoked['id']}/revoke").raise_for_status()
    _, wrong_code = code_for(not_here, "13800138002")
    _, early_code = code_for(later, "13800138003")
    _, late_code = code_for(over, "13800138004")
    _, cancelled_code = code_for(called_off, "13800138005")
    live_server.admin("POST", f"/admin/events/{called_off['id']}/cancel").raise_for_status()
    real = tickets.read(code)
    forged = tickets.issue(tickets.SigningKey.generate(real.key_id), real.event_id, real.ticket_id)

    welcome = scan_online(terminal, code)
    assert (welcome["kind"], welcome["event_id"], welcome["ticket_id"]) == ("welcome", event["id"], person["ticket_id"])
    assert tickets.open_name(code, welcome["sealed_name"]) == "张三"
    again = scan_online(elsewhere, code)
    assert (again["kind"], again["prior_terminal"], again["sealed_name"]) == ("already", "T1 大堂 1 号机", None)
    assert parse_time(again["prior_at"]) <= datetime.now(UTC)
    assert scan_online(terminal, revoked_code)["kind"] == "cancelled"
    assert scan_online(terminal, wrong_code)["kind"] == "wrong_event"
    assert scan_online(terminal, early_code)["kind"] == "not_open"
    assert scan_online(terminal, late_code)["kind"] == "closed"
    assert scan_online(terminal, cancelled_code)["kind"] == "event_cancelled"
    assert scan_online(terminal, forged)["kind"] == "forged"
    unreadable = scan_online(terminal, "\x00\x01 not a ticket 门票")
    assert (unreadable["kind"], unreadable["event_id"], unreadable["ticket_id"]) == ("unreadable", None, None)
    too_long = terminal.call("POST", "/terminal/checkins", json={
        "id": "0b5c6a3e-1111-4c4c-9d9d-000000000009", "code": "X" * 513, "scanned_at": now.isoformat(), "nonce": "n"})
    assert too_long.status_code == 422


def test_a_rotated_key_keeps_old_tickets_valid_and_a_withdrawn_key_makes_them_forged(live_server):
    terminal = enrolled_terminal(live_server)
    event = published_event(live_server)
    old_code = ticket_text(live_server, event["id"], attendee(live_server, event["id"])["id"])
    rotated = live_server.admin("POST", "/admin/ticket-keys/rotate")
    assert rotated.status_code == 201
    new_person = attendee(live_server, event["id"], "李四", "13900139000")
    new_code = ticket_text(live_server, event["id"], new_person["id"])
    assert tickets.read(new_code).key_id == rotated.json()["key_id"] != tickets.read(old_code).key_id
    assert [k["key_id"] for k in _bundle(terminal).json()["public_keys"]] == [1, 2]
    assert scan_online(terminal, old_code)["kind"] == "welcome"

    withdrawn = live_server.admin("POST", f"/admin/ticket-keys/{tickets.read(old_code).key_id}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert [k["key_id"] for k in _bundle(terminal).json()["public_keys"]] == [2]
    assert scan_online(terminal, old_code)["kind"] == "forged"
    assert scan_online(terminal, new_code)["kind"] == "welcome"


def test_a_terminal_cannot_use_the_event_administration(live_server):
    terminal = enrolled_terminal(live_server)
    event = published_event(live_server)
    for method, path in (("GET", "/admin/events"), ("POST", f"/admin/events/{event['id']}/cancel"),
                         ("GET", f"/admin/events/{event['id']}/attendees"), ("POST", "/admin/ticket-keys/rotate")):
        assert terminal.call(method, path).status_code == 401
    assert live_server.admin("GET", f"/admin/events/{event['id']}").json()["status"] == "published"
    assert live_server.admin("GET", "/terminal/checkin").status_code == 401  # nor an admin a terminal
