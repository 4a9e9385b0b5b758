"""Alerts end to end against a migrated database, a real SMTP server (STARTTLS) and a webhook receiver: a terminal
dark past the rule's minutes is told once per channel in its language, the resolution follows once, a flap within
the quiet time tells nobody, quiet hours hold messages, and two processes evaluating at once send each message once."""

from __future__ import annotations

import threading
import urllib.parse
from datetime import timedelta

import pytest
from sqlalchemy import select

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import read_settings_document
from server.alerts import lifecycle
from server.alerts.conditions import current_conditions
from server.alerts.job import run_alerts
from server.alerts.schemas import AlertSettings
from server.core.clock import utcnow
from server.fleet import layers
from server.fleet.models import Alert, AlertDelivery, Terminal
from tests.server.alert_receivers import SmtpReceiver, WebhookReceiver
from tests.server.domain.builders import BOTH_DIALECTS, terminal


@pytest.fixture
def receivers(tmp_path):
    with SmtpReceiver(tmp_path) as smtp, WebhookReceiver() as webhooks:
        yield smtp, webhooks


def _configure(db, settings, smtp, webhooks, **changes):
    document = {
        "rules": {"backup_stale": {"enabled": False}, "terminal_offline": {"minutes": 10}},
        "channels": [
            {"kind": "email", "target": "duty@example.org", "language": "zh_CN"},
            {"kind": "wecom", "target": f"{webhooks.url}/wecom?key=k1", "language": "en"},
            {"kind": "dingtalk", "target": f"{webhooks.url}/dingtalk?access_token=t1", "language": "zh_CN",
             "secret": "SECdemo"},
            {"kind": "feishu", "target": f"{webhooks.url}/feishu/hook", "language": "en", "secret": "fs"},
        ],
        "quiet_minutes": 60, **changes}
    lifecycle.save_settings(db, AlertSettings.model_validate(document), "test")
    db.commit()
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port, "smtp_security": "starttls",
                                       "smtp_ca_file": smtp.cert_file})


def _seen(db, made: Terminal, at):
    """The terminal's heartbeat at ``at`` (30 s interval): online until 45 s later."""
    row = db.get(Terminal, made.id)
    row.enrolled_at = row.enrolled_at or at
    row.last_seen_at, row.heartbeat_seconds = at, 30
    db.commit()


def _texts(webhooks) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, body in webhooks.posts:
        kind = urllib.parse.urlsplit(path).path.strip("/").split("/")[0]
        text = body["content"]["text"] if kind == "feishu" else body["text"]["content"]
        found.setdefault(kind, []).append(text)
    return found


@BOTH_DIALECTS
def test_an_offline_terminal_is_told_once_in_each_language_and_its_resolution_follows(db, settings, receivers):
    smtp, webhooks = receivers
    settings = _configure(db, settings, smtp, webhooks)
    made = terminal(db, "T1 大堂 1 号机")
    start = utcnow()
    _seen(db, made, start - timedelta(minutes=20))  # dark for 19 minutes
    assert run_alerts(settings, start) == 4
    assert run_alerts(settings, start + timedelta(minutes=1)) == 0  # still dark: no repeat

    [mail] = smtp.messages
    assert smtp.all_over_tls and mail["To"] == "duty@example.org"
    assert "T1 大堂 1 号机" in mail["Subject"] and "离线" in mail["Subject"]
    texts = _texts(webhooks)
    assert "is offline" in texts["wecom"][0] and "离线" in texts["dingtalk"][0] and "is offline" in texts["feishu"][0]
    dingtalk_path = next(path for path, _ in webhooks.posts if path.startswith("/dingtalk"))
    assert "timestamp=" in dingtalk_path and "sign=" in dingtalk_path  # 加签
    assert {"timestamp", "sign"} <= set(next(body for path, body in webhooks.posts if path.startswith("/feishu")))

    _seen(db, made, start + timedelta(minutes=2))  # back
    assert run_alerts(settings, start + timedelta(minutes=2, seconds=10)) == 4
    assert run_alerts(settings, start + timedelta(minutes=3)) == 0
    assert len(smtp.messages) == 2 and "已恢复" in smtp.messages[1]["Subject"]
    assert "Resolved" in _texts(webhooks)["wecom"][1]
    [alert] = db.scalars(select(Alert)).all()
    db.refresh(alert)
    assert alert.resolved_at is not None
    deliveries = db.scalars(select(AlertDelivery).where(AlertDelivery.alert_id == alert.id)).all()
    assert sorted((d.phase, d.ok) for d in deliveries) == [("resolved", True)] * 4 + [("started", True)] * 4


def test_a_flap_within_the_quiet_time_tells_nobody(db, settings, receivers):
    smtp, webhooks = receivers
    settings = _configure(db, settings, smtp, webhooks)
    made = terminal(db)
    start = utcnow()
    _seen(db, made, start - timedelta(minutes=20))
    run_alerts(settings, start)
    _seen(db, made, start + timedelta(minutes=1))
    run_alerts(settings, start + timedelta(minutes=1, seconds=5))
    told = len(smtp.messages) + len(webhooks.posts)
    # Dark again 10 minutes later, back after 25: all within the hour after the last message.
    _seen(db, made, start + timedelta(minutes=1, seconds=30))
    run_alerts(settings, start + timedelta(minutes=25))
    _seen(db, made, start + timedelta(minutes=26))
    run_alerts(settings, start + timedelta(minutes=26, seconds=5))
    assert len(smtp.messages) + len(webhooks.posts) == told
    second = db.scalars(select(Alert).order_by(Alert.id.desc())).first()
    [note] = db.scalars(select(AlertDelivery).where(AlertDelivery.alert_id == second.id)).all()
    assert not note.ok and "before anyone was told" in note.error


def test_quiet_hours_hold_the_message_until_they_end(db, settings, receivers):
    smtp, webhooks = receivers
    settings = _configure(db, settings, smtp, webhooks,
                          quiet_hours={"enabled": True, "start": "00:00", "end": "23:59"})
    made = terminal(db)
    start = utcnow()
    _seen(db, made, start - timedelta(minutes=20))
    assert run_alerts(settings, start) == 0 and smtp.messages == []
    lifecycle.save_settings(db, AlertSettings.model_validate(
        {**lifecycle.load_settings(db).model_dump(mode="json"), "quiet_hours": {"enabled": False}}), "test")
    db.commit()
    assert run_alerts(settings, start + timedelta(minutes=1)) == 4


def test_two_processes_evaluating_at_once_send_each_message_once(db, settings, receivers):
    smtp, webhooks = receivers
    settings = _configure(db, settings, smtp, webhooks)
    made = terminal(db)
    start = utcnow()
    _seen(db, made, start - timedelta(minutes=20))
    sent: list[int] = []
    runners = [threading.Thread(target=lambda: sent.append(run_alerts(settings, start))) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    assert sorted(sent) == [0, 4] and len(smtp.messages) == 1
    assert len(db.scalars(select(Alert)).all()) == 1


def test_a_terminal_dark_outside_its_opening_hours_is_no_alert(db, settings):
    builtin = read_settings_document(DEFAULT_SETTINGS_FILE)
    made = terminal(db)
    now = utcnow()
    _seen(db, made, now - timedelta(hours=2))
    rules = AlertSettings.model_validate({"rules": {"backup_stale": {"enabled": False}}})
    assert [c.rule for c in current_conditions(db, settings, rules, builtin, now)] == ["terminal_offline"]
    # Closed every day (no opening spans): a dark terminal is expected.
    layers.write_layer(db, builtin, layers.LayerKey("defaults", ""), {"hours": {"enabled": True, "weekly": {}}},
                       "test", "closed", "config.update")
    db.commit()
    assert current_conditions(db, settings, rules, builtin, now) == []
    always = AlertSettings.model_validate({"rules": {"backup_stale": {"enabled": False},
                                                     "terminal_offline": {"opening_hours_only": False}}})
    assert [c.rule for c in current_conditions(db, settings, always, builtin, now)] == ["terminal_offline"]
