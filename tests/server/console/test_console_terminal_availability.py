"""A terminal's events and time offline over real HTTP: the console page (linked from its detail page, names
escaped) and the admin API."""

from __future__ import annotations

from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient


def test_a_terminals_events_and_time_offline_page(live_server):
    terminal = enrolled_terminal(live_server, name="<i>T7</i>")
    assert terminal.heartbeat().status_code == 200
    client = ConsoleClient(live_server)
    client.sign_in()
    assert f'/console/terminals/{terminal.id}/availability' in client.page(f"/terminals/{terminal.id}").text
    page = client.page(f"/terminals/{terminal.id}/availability").text
    assert 'id="offline-days"' in page and 'id="offline-months"' in page
    assert "<i>T7</i>" not in page and "&lt;i&gt;T7&lt;/i&gt;" in page
    assert page.count('<td class="nowrap">') >= 3  # today, this month and the start event


def test_the_admin_api_gives_the_events_and_the_offline_report(live_server):
    terminal = enrolled_terminal(live_server)
    assert terminal.heartbeat().status_code == 200
    [started] = live_server.admin("GET", f"/admin/terminals/{terminal.id}/events").json()
    assert started["kind"] == "app_started"
    report = live_server.admin("GET", f"/admin/terminals/{terminal.id}/offline-report").json()
    assert report["timezone"] == "Asia/Shanghai" and report["days"][0]["offline_seconds"] == 0
    assert len(report["months"]) == 1
