"""The configuration pages over real HTTP: the form generated from KioskSettings, field errors from the
layer check, the diff before saving, effective values with their source, history and rollback."""

from __future__ import annotations

import html
import re

from common.settings import KioskSettings
from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient


def _signed_in(server) -> ConsoleClient:
    client = ConsoleClient(server)
    client.sign_in()
    return client


def _row(page: str, key: str) -> str:
    return re.search(rf'<tr class="[^"]*" id="row-{re.escape(key)}">.*?</tr>', page, re.DOTALL).group(0)


def _save(client: ConsoleClient, path: str, fields: dict, comment: str = "") -> str:
    """Preview then confirm, as the buttons do; the confirm page's HTML."""
    preview = client.submit(path, f"{path}/preview", {**fields, "comment": comment})
    assert preview.status_code == 200, preview.text
    document = html.unescape(re.search(r'name="document" value="([^"]*)"', preview.text).group(1))
    saved = client.submit(path, f"{path}/save", {"document": document, "comment": comment})
    assert saved.status_code == 200 and "?saved=" in saved.url
    return preview.text


def test_the_form_has_an_input_of_the_right_kind_for_every_setting(live_server):
    page = _signed_in(live_server).page("/config/defaults").text
    assert 'type="checkbox" name="value:display.elder_mode"' in page
    assert re.search(r'type="number" name="value:idle.timeout_seconds"[^>]*step="1"\s+min="15" max="3600"', page)
    assert re.search(r'<select name="value:display.theme".*?high_contrast', page, re.DOTALL)
    assert 'name="value:terminal.centre_name.zh"' in page and 'name="value:terminal.centre_name.en"' in page
    assert '<textarea name="value:display.languages"' in page
    assert 'class="code-input">' in _row(page, "hours.weekly")
    for section in KioskSettings.model_fields:
        assert f"row-{section}" in page, section


def test_a_bad_value_is_refused_next_to_its_field(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server)
    reply = client.submit(f"/config/terminal/{terminal.id}", f"/config/terminal/{terminal.id}/preview",
                          {"set:idle.timeout_seconds": "on", "value:idle.timeout_seconds": "5",
                           "set:sync.batch_size": "on", "value:sync.batch_size": "lots"})
    assert reply.status_code == 422
    assert "not a number" in _row(reply.text, "sync.batch_size")
    assert 'value="lots"' in _row(reply.text, "sync.batch_size")  # what was typed is kept for correcting
    reply = client.submit(f"/config/terminal/{terminal.id}", f"/config/terminal/{terminal.id}/preview",
                          {"set:idle.timeout_seconds": "on", "value:idle.timeout_seconds": "5"})
    assert reply.status_code == 422
    assert "greater than or equal to 15" in _row(reply.text, "idle.timeout_seconds")
    assert live_server.admin("GET", f"/admin/config/terminals/{terminal.id}").status_code == 404


def test_saving_shows_the_diff_first_and_the_terminal_gets_the_value(live_server):
    terminal = enrolled_terminal(live_server, group="lobby")
    client = _signed_in(live_server)
    path = f"/config/terminal/{terminal.id}"
    preview = client.submit(path, f"{path}/preview", {"set:idle.timeout_seconds": "on",
                                                      "value:idle.timeout_seconds": "90"})
    assert re.search(r"idle\.timeout_seconds</th><td><del>—</del></td><td><ins>90</ins>", preview.text)
    assert live_server.admin("GET", f"/admin/config/terminals/{terminal.id}").status_code == 404  # not yet
    _save(client, path, {"set:idle.timeout_seconds": "on", "value:idle.timeout_seconds": "90"}, "longer idle")
    config = terminal.call("GET", "/terminal/config").json()
    assert config["settings"]["idle"]["timeout_seconds"] == 90
    row = _row(client.page(path).text, "idle.timeout_seconds")
    assert "90" in row and "from terminal" in row
    page = client.page(path).text
    assert "from builtin" in _row(page, "idle.warning_seconds")  # config/settings.toml
    assert "<code>100</code>" in _row(page, "sync.batch_size") and "from default" in _row(page, "sync.batch_size")


def test_a_group_layer_shows_as_the_source_and_can_be_rolled_back(live_server):
    terminal = enrolled_terminal(live_server, group="lobby")
    client = _signed_in(live_server)
    _save(client, "/config/group/lobby", {"set:display.theme": "on", "value:display.theme": "dark"})
    second = _save(client, "/config/group/lobby", {"set:display.theme": "on", "value:display.theme": "high_contrast"})
    assert re.search(r"display\.theme</th><td><del>dark</del></td><td><ins>high_contrast</ins>", second)
    assert "<code>high_contrast</code>" in _row(client.page(f"/config/terminal/{terminal.id}").text, "display.theme")
    assert "from group" in _row(client.page(f"/config/terminal/{terminal.id}").text, "display.theme")
    history = live_server.admin("GET", "/admin/config/groups/lobby/history").json()
    first_version = history[-1]["version"]
    client.submit("/config/group/lobby", f"/config/group/lobby/rollback/{first_version}")
    assert terminal.call("GET", "/terminal/config").json()["settings"]["display"]["theme"] == "dark"
    audit = client.page("/audit").text
    assert "config.rollback" in audit and "config.update" in audit


def test_unticking_set_here_removes_the_key_from_the_layer(live_server):
    client = _signed_in(live_server)
    _save(client, "/config/defaults", {"set:modules.feedback": "on"})  # ticked, value box unticked: false
    assert live_server.admin("GET", "/admin/config/defaults").json()["settings"] == {"modules": {"feedback": False}}
    preview = _save(client, "/config/defaults", {})
    assert "modules.feedback" in preview
    assert live_server.admin("GET", "/admin/config/defaults").json()["settings"] == {}
