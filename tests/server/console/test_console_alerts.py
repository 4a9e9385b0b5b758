"""The alerts page over real HTTP: admins edit rules and channels (field errors, a signing secret never sent back
and kept when left empty), operators only read; the history names who was told, everything escaped."""

from __future__ import annotations

from datetime import timedelta

from server.alerts import lifecycle
from server.alerts.job import run_alerts
from server.core.clock import utcnow
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient, create_operator
from tests.server.console.form_fields import form_fields, with_values

SCRIPT = "<script>alert(1)</script>"


def _admin(live_server) -> ConsoleClient:
    client = ConsoleClient(live_server)
    client.sign_in()
    return client


def test_an_admin_saves_rules_and_channels_and_the_secret_stays_unshown(live_server):
    client = _admin(live_server)
    fields = form_fields(client.page("/alerts").text)
    assert dict(fields)["terminal_offline.minutes"] == "15"
    saved = client.post(client.url("/alerts"), timeout=60, data=with_values(fields, {
        "terminal_offline.minutes": "30", "channel-0.kind": "dingtalk",
        "channel-0.target": "https://oapi.dingtalk.com/robot/send?access_token=abc", "channel-0.language": "en",
        "channel-0.secret": "SEC-very-secret", "channel-1.target": "duty@example.org"}))
    assert saved.status_code == 200 and 'class="alert alert-ok"' in saved.text
    page = client.page("/alerts").text
    fields = form_fields(page)
    assert dict(fields)["terminal_offline.minutes"] == "30" and dict(fields)["channel-1.target"] == "duty@example.org"
    assert "SEC-very-secret" not in page
    # Saved again without touching the secret: it is kept (the robot still verifies the signature).
    client.post(client.url("/alerts"), timeout=60, data=with_values(fields, {"memory_low.min_free_mb": "300"}))
    engine = make_engine(live_server.database_url)
    try:
        with make_session_factory(engine)() as db:
            saved_settings = lifecycle.load_settings(db)
    finally:
        engine.dispose()
    assert saved_settings.channels[0].secret == "SEC-very-secret"
    assert saved_settings.rules.memory_low.min_free_mb == 300


def test_bad_fields_are_refused_with_the_input_escaped(live_server):
    client = _admin(live_server)
    fields = form_fields(client.page("/alerts").text)
    reply = client.post(client.url("/alerts"), timeout=60, data=with_values(fields, {
        "terminal_offline.minutes": "soon", "channel-0.target": SCRIPT}))
    assert reply.status_code == 422
    assert 'id="error-terminal_offline-minutes"' in reply.text and 'id="error-channel-0-target"' in reply.text
    assert SCRIPT not in reply.text and "&lt;script&gt;" in reply.text


def test_the_history_shows_each_alert_and_who_was_told_escaped(live_server):
    terminal = enrolled_terminal(live_server, name="<b>T9</b>")
    assert terminal.heartbeat().status_code == 200
    settings = ServerSettings(database_url=live_server.database_url, kiosk_server_data_dir=live_server.data_dir)
    run_alerts(settings, utcnow() + timedelta(hours=1))
    client = _admin(live_server)
    page = client.page("/alerts").text
    assert "<b>T9</b>" not in page and "&lt;b&gt;T9&lt;/b&gt;" in page
    assert "no channel configured" in page  # nobody to tell: said so, not silently dropped


def test_an_operator_reads_but_cannot_change_the_alerts(live_server):
    password = create_operator(live_server)
    client = ConsoleClient(live_server)
    client.sign_in("operator", password)
    page = client.page("/alerts")
    assert page.status_code == 200 and 'type="submit"' not in page.text.split('id="alert-settings"')[1].split("</form>")[0]
    refused = client.submit("/alerts", "/alerts", {"terminal_offline.minutes": "1"})
    assert refused.status_code == 403

