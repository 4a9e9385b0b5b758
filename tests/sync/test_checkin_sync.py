"""Event check-in with the real server: the bundle, online and offline checks, revocation, the link switch.

Tickets are issued by the server and read from its ticket image with zxing-cpp, as a scanner would."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta

import requests
from PIL import Image

from common.settings import LinkSettings
from services.checkin.desk import CheckinDesk
from services.checkin.link_health import LinkHealth
from services.checkin.online import TerminalApi
from services.checkin.phone_code import phone_checkin_url
from services.devices.scanner import decode_frame
from services.storage.outbox import Outbox
from services.sync.api import ServerApi
from services.sync.engine import CHECKIN_ETAG_KEY, CheckinBundleChanged, SettingsChanged
from services.sync.identity import load_identity
from tests.sync.conftest import admin_json, wait_for

BUNDLE = "/terminal/checkin"
ONLINE = "/terminal/checkins"
LINK = LinkSettings(failures_to_offline=1, slow_seconds=5, cooldown_seconds=60, max_cooldown_seconds=60)


class Clock:
    """The link's clock, moved by the test: cool-downs pass without waiting."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _event(server, **changes) -> dict:
    now = datetime.now(UTC)
    fields = dict(title_zh="企业减税降费政策沙龙", title_en="Tax relief salon", organiser="党群服务中心", place="T3-1107",
                  starts_at=now, ends_at=now + timedelta(hours=3), opens_at=now - timedelta(hours=1),
                  closes_at=now + timedelta(hours=2))
    fields.update(changes)
    event = admin_json(server, "POST", "/admin/events", json={k: v.isoformat() if isinstance(v, datetime) else v
                                                              for k, v in fields.items()})
    return admin_json(server, "POST", f"/admin/events/{event['id']}/publish")


def _attendee(server, event: dict, name: str, phone: str) -> tuple[dict, str]:
    """A registration and its ticket text, read from the ticket image the console offers."""
    attendee = admin_json(server, "POST", f"/admin/events/{event['id']}/attendees", json={"name": name, "phone": phone})
    png = server.admin("GET", f"/admin/events/{event['id']}/attendees/{attendee['id']}/ticket.png")
    assert png.status_code == 200, png.text
    [decoded] = decode_frame(Image.open(io.BytesIO(png.content)))
    return attendee, decoded


def _checkins(server, event: dict) -> list[dict]:
    return admin_json(server, "GET", f"/admin/events/{event['id']}/checkins")


def _desk(store, data_dir, link=None, online=True) -> tuple[CheckinDesk, TerminalApi]:
    api = TerminalApi(data_dir, timeout_seconds=5)  # generous: a slow shared machine is no failing server
    desk = CheckinDesk(store, Outbox(store), api=api if online else (lambda: None),
                       link=link or LinkHealth(LINK, Clock()), terminal_name="T1 大堂 1 号机")
    return desk, api


def test_the_bundle_comes_once_and_a_repeat_is_not_modified(live_server, enrolled, relay, make_engine, store,
                                                           data_dir):
    event = _event(live_server)
    _attendee(live_server, event, "张小明", "13800001111")
    engine, watcher = make_engine(None)
    changed = watcher.wait(CheckinBundleChanged, "the check-in bundle", lambda e: any(x.id == event["id"] for x in e.events))
    [offered] = [e for e in changed.events if e.id == event["id"]]
    assert offered.title.zh == "企业减税降费政策沙龙" and offered.status == "published"

    fetched = relay.count("GET", BUNDLE, 200)
    heartbeats = relay.count("POST", "/terminal/heartbeat", 200)
    wait_for(lambda: relay.count("POST", "/terminal/heartbeat", 200) >= heartbeats + 3, "three more cycles",
             nudge=engine.sync_now)
    assert relay.count("GET", BUNDLE) == fetched, "unchanged: not fetched again"
    identity = load_identity(data_dir)
    api = ServerApi(identity.server_url, identity.token)
    try:
        assert api.checkin_bundle(etag=store.get_state(CHECKIN_ETAG_KEY)) is None
        assert relay.count("GET", BUNDLE, 304) == 1
    finally:
        api.close()


def test_an_offline_check_syncs_once_when_the_server_is_back(live_server, enrolled, make_engine, store, data_dir):
    event = _event(live_server)
    attendee, text = _attendee(live_server, event, "王丽", "13800002222")
    engine, watcher = make_engine(None)
    watcher.wait(CheckinBundleChanged, "the bundle", lambda e: any(x.id == event["id"] for x in e.events))
    engine.stop()
    desk, api = _desk(store, data_dir)
    live_server.stop()
    try:
        result = desk.check(text, datetime.now(UTC))
    finally:
        live_server.start()
    assert (result.kind, result.mode, result.masked_name) == ("welcome", "offline", "王*")
    assert desk.link.state == "offline" and Outbox(store).depth() == 1

    engine, watcher = make_engine(None)
    wait_for(lambda: Outbox(store).depth() == 0, "the outbox to drain", nudge=engine.sync_now)
    [checkin] = _checkins(live_server, event)
    assert checkin["record_id"] == result.record_id and checkin["ticket_id"] == attendee["ticket_id"]
    assert (checkin["mode"], checkin["terminal_verdict"], checkin["server_verdict"]) == ("offline", "welcome", "welcome")
    assert checkin["flag"] is None
    api.close()


def test_an_online_check_is_stored_once_though_the_outbox_sends_it_too(live_server, enrolled, make_engine, store,
                                                                      data_dir):
    event = _event(live_server)
    attendee, text = _attendee(live_server, event, "Wang Li", "13800003333")
    desk, api = _desk(store, data_dir)
    result = desk.check(text, datetime.now(UTC))
    assert (result.kind, result.mode, result.masked_name) == ("welcome", "online", "W*** Li")
    # On disk before check() returned: another connection to the file sees the record.
    with sqlite3.connect(store.path) as other:
        [(payload,)] = other.execute("SELECT payload FROM outbox WHERE id = ?", (result.record_id,)).fetchall()
    other.close()
    assert json.loads(payload)["mode"] == "online"

    again = desk.check(text, datetime.now(UTC))
    assert (again.kind, again.mode) == ("already", "online")
    assert again.prior.terminal_name == enrolled.name
    engine, watcher = make_engine(None)
    wait_for(lambda: Outbox(store).depth() == 0, "the outbox copies to be confirmed", nudge=engine.sync_now)
    checkins = _checkins(live_server, event)
    assert sorted(c["record_id"] for c in checkins) == sorted([result.record_id, again.record_id])
    assert sum(c["server_verdict"] == "welcome" for c in checkins) == 1
    assert admin_json(live_server, "GET", f"/admin/events/{event['id']}/attendance")["checked_in"] == 1
    api.close()


def test_a_revocation_reaches_the_kiosk_and_the_ticket_is_cancelled(live_server, enrolled, make_engine, store,
                                                                   data_dir):
    event = _event(live_server)
    attendee, text = _attendee(live_server, event, "李四", "13800004444")
    engine, watcher = make_engine(None)
    first = watcher.wait(CheckinBundleChanged, "the bundle", lambda e: any(x.id == event["id"] for x in e.events))
    admin_json(live_server, "POST", f"/admin/events/{event['id']}/attendees/{attendee['id']}/revoke")
    watcher.wait(CheckinBundleChanged, "the bundle with the revocation", lambda e: e.etag != first.etag)
    desk, api = _desk(store, data_dir, online=False)  # decided by the kiosk alone, from the bundle
    result = desk.check(text, datetime.now(UTC))
    assert (result.kind, result.mode, result.accepted) == ("cancelled", "offline", False)
    api.close()


def test_a_hanging_or_failing_server_switches_the_desk_offline_and_back(live_server, enrolled, relay, make_engine,
                                                                       store, data_dir):
    event = _event(live_server)
    _, first_text = _attendee(live_server, event, "赵一", "13800005555")
    _, second_text = _attendee(live_server, event, "钱二", "13800006666")
    _, third_text = _attendee(live_server, event, "孙三", "13800007777")
    # The thresholds come from the server's configuration, like any setting.
    admin_json(live_server, "PUT", f"/admin/config/terminals/{enrolled.terminal_id}",
               json={"settings": {"checkin": {"link": LINK.model_dump()}}})
    clock = Clock()
    link = LinkHealth(LinkSettings(), clock)
    engine, watcher = make_engine(None, link=link)
    watcher.wait(SettingsChanged, "the settings", lambda e: e.settings.checkin.link == LINK)
    watcher.wait(CheckinBundleChanged, "the bundle", lambda e: any(x.id == event["id"] for x in e.events))
    desk, api = _desk(store, data_dir, link=link)
    api.timeout_seconds = 1.0

    relay.mode = "hang"
    first = desk.check(first_text, datetime.now(UTC))
    assert (first.kind, first.mode) == ("welcome", "offline") and link.state == "offline"
    relay.mode = "fail"
    asked = relay.count("POST", ONLINE)
    second = desk.check(second_text, datetime.now(UTC))
    assert (second.kind, second.mode) == ("welcome", "offline")
    assert relay.count("POST", ONLINE) == asked, "offline: the server is not asked during the cool-down"

    clock.now += 60  # the cool-down is over: the sync worker's next request probes, and the server answers 500
    wait_for(lambda: not link.should_try(), "the failed probe to start another cool-down", nudge=engine.sync_now)
    assert link.state == "offline"

    relay.mode = "forward"
    clock.now += 60
    wait_for(lambda: link.state == "online", "a heartbeat to bring the link back", nudge=engine.sync_now)
    third = desk.check(third_text, datetime.now(UTC))
    assert (third.kind, third.mode) == ("welcome", "online")
    api.close()


def test_the_phone_checkin_qr_opens_the_servers_page_only_while_fresh(live_server, enrolled, make_engine, store):
    event = _event(live_server)
    engine, watcher = make_engine(None)
    changed = watcher.wait(CheckinBundleChanged, "the bundle", lambda e: any(x.id == event["id"] for x in e.events))
    [offered] = [e for e in changed.events if e.id == event["id"]]
    now = datetime.now(UTC)
    fresh = phone_checkin_url(live_server.url, offered, now)
    assert fresh.startswith(f"{live_server.url}/m/{event['id']}?t=")
    assert requests.get(fresh, timeout=30).status_code == 200
    assert requests.get(phone_checkin_url(live_server.url, offered, now - timedelta(minutes=10)),
                        timeout=30).status_code == 403, "a photo of an old code no longer works"
