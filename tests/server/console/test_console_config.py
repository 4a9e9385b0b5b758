"""The configuration pages over real HTTP: the form generated from KioskSettings (titles, help, sections, the
control that fits each setting), errors in the console's language tied to their fields, the diff in words before
saving, effective values with their source in words, the PIN set without its hash ever reaching the browser,
history and rollback."""

from __future__ import annotations

import html
import re

from common.pin import verify_pin
from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient


def _signed_in(server, language: str = "en") -> ConsoleClient:
    client = ConsoleClient(server)
    client.sign_in()
    client.page(f"/language/{language}")
    return client


def _row(page: str, key: str) -> str:
    """One setting's block: from its <div id="row-..."> to the next setting or the section's end."""
    found = re.search(rf'<div class="setting[^"]*" id="row-{re.escape(key)}".*?(?=<div class="setting[ "]|</section>)',
                      page, re.DOTALL)
    assert found, f"no row for {key}"
    return found.group(0)


def _save(client: ConsoleClient, path: str, fields: dict, comment: str = "") -> str:
    """Preview then confirm, as the buttons do; the confirm page's HTML."""
    preview = client.submit(path, f"{path}/preview", {**fields, "comment": comment})
    assert preview.status_code == 200, preview.text
    document = html.unescape(re.search(r'name="document" value="([^"]*)"', preview.text).group(1))
    saved = client.submit(path, f"{path}/save", {"document": document, "comment": comment})
    assert saved.status_code == 200 and "?saved=" in saved.url
    return preview.text


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def test_every_setting_has_words_a_section_and_a_control_that_fits(live_server):
    page = _signed_in(live_server, "zh_CN").page("/config/defaults").text
    idle = _row(page, "idle.timeout_seconds")
    assert "无操作提醒前等待" in idle and "范围 15 至 3600 秒" in idle and "idle.timeout_seconds" in idle
    assert re.search(r'<select name="unit:idle.timeout_seconds".*?>分钟</option>', idle, re.DOTALL)  # number + unit
    assert 'role="switch" name="value:display.elder_mode"' in page
    assert 'type="checkbox" name="value:display.languages" value="en"' in page  # languages as checkboxes
    assert re.search(r'<select name="value:display.theme".*?高对比度', page, re.DOTALL)
    assert 'name="value:terminal.centre_name.zh"' in page and 'lang="en" value="Linghang' in page
    assert 'type="time" name="value:hours.weekly.mon.0.from"' in page and ">星期日<" in page
    categories = _row(page, "feedback.categories")
    assert 'name="value:feedback.categories.0.title.zh"' in categories and "上移" in categories  # a row editor
    assert 'id="rows-feedback-categories-row"' in categories  # the blank row's <template> for "add a row"
    assert "scrypt$" not in page and 'type="password" name="pin:new"' in page  # the hash never goes to the browser
    for anchor in ("centre", "display", "idle", "modules", "hours", "checkin", "feedback", "devices", "maintenance",
                   "sync"):
        assert f'href="#s-{anchor}"' in page and f'id="s-{anchor}"' in page, anchor
    assert "内置默认" in _text(idle)  # where the value in force comes from, in words
    assert "<title>配置 · " in page


def test_a_bad_value_is_refused_in_the_consoles_language_next_to_its_field(live_server):
    terminal = enrolled_terminal(live_server)
    client = _signed_in(live_server, "zh_CN")
    path = f"/config/terminal/{terminal.id}"
    reply = client.submit(path, f"{path}/preview", {"set:sync.batch_size": "on", "value:sync.batch_size": "lots"})
    assert reply.status_code == 422
    row = _row(reply.text, "sync.batch_size")
    assert "“lots”不是数字" in row and 'value="lots"' in row  # what was typed is kept for correcting
    reply = client.submit(path, f"{path}/preview", {"set:idle.timeout_seconds": "on",
                                                    "value:idle.timeout_seconds": "5", "unit:idle.timeout_seconds": "1",
                                                    "set:feedback.max_text_length": "on",
                                                    "value:feedback.max_text_length": "900"})
    assert reply.status_code == 422
    row = _row(reply.text, "idle.timeout_seconds")
    assert "不能少于 15 秒" in row and "greater than" not in reply.text
    assert "不能超过 500 个字符" in _row(reply.text, "feedback.max_text_length")
    field = re.search(r'<input type="number"[^>]*name="value:idle.timeout_seconds"[^>]*>', row).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="help-idle.timeout_seconds error-idle.timeout_seconds"' in field
    summary = re.search(r'id="error-summary".*?</div>', reply.text, re.DOTALL).group(0)
    assert 'href="#value:idle.timeout_seconds"' in summary and 'href="#value:feedback.max_text_length"' in summary
    odd_unit = client.submit(path, f"{path}/preview", {"set:idle.timeout_seconds": "on",
                                                       "value:idle.timeout_seconds": "90", "unit:idle.timeout_seconds": "7"})
    assert odd_unit.status_code == 200 and "90 秒" in _text(odd_unit.text)  # a unit the form does not offer: seconds
    assert live_server.admin("GET", f"/admin/config/terminals/{terminal.id}").status_code == 404


def test_saving_shows_the_diff_in_words_first_and_the_terminal_gets_the_value(live_server):
    terminal = enrolled_terminal(live_server, group="lobby")
    client = _signed_in(live_server)
    path = f"/config/terminal/{terminal.id}"
    fields = {"set:idle.timeout_seconds": "on", "value:idle.timeout_seconds": "1.5", "unit:idle.timeout_seconds": "60",
              "set:display.elder_mode": "on", "value:display.elder_mode": "on"}
    preview = _text(client.submit(path, f"{path}/preview", fields).text)
    assert "Idle time before the warning idle.timeout_seconds Set here to 90 seconds (was inherited)" in preview
    assert "Large text from the start display.elder_mode Set here to On" in preview
    assert live_server.admin("GET", f"/admin/config/terminals/{terminal.id}").status_code == 404  # not yet
    _save(client, path, fields, "longer idle")
    config = terminal.call("GET", "/terminal/config").json()
    assert config["settings"]["idle"]["timeout_seconds"] == 90 and config["settings"]["display"]["elder_mode"] is True
    page = client.page(path).text
    assert re.search(r'value="90"[^>]*>\s*<select name="unit:idle.timeout_seconds"', _row(page, "idle.timeout_seconds"))
    assert "This terminal" in _text(_row(page, "idle.timeout_seconds"))
    assert "Built-in default" in _text(_row(page, "idle.warning_seconds"))  # config/settings.toml
    assert "100 records" not in page and "100" in _text(_row(page, "sync.batch_size"))  # the model's default
    only = client.page(f"{path}?only=set").text
    assert 'id="row-idle.timeout_seconds"' in only and 'id="row-idle.warning_seconds"' not in only
    changed = _text(client.submit(path, f"{path}/preview", {**fields, "unit:idle.timeout_seconds": "1"}).text)
    assert "90 seconds → 1.5 seconds" not in changed and "A whole number, please." in changed


def test_a_group_layer_shows_as_the_source_and_can_be_rolled_back(live_server):
    terminal = enrolled_terminal(live_server, group="lobby")
    client = _signed_in(live_server, "zh_CN")
    _save(client, "/config/group/lobby", {"set:display.theme": "on", "value:display.theme": "dark"})
    second = _save(client, "/config/group/lobby", {"set:display.theme": "on", "value:display.theme": "high_contrast"})
    assert "深色 → 高对比度" in _text(second)
    row = _text(_row(client.page(f"/config/terminal/{terminal.id}").text, "display.theme"))
    assert "生效值 高对比度 分组 lobby" in row
    history = live_server.admin("GET", "/admin/config/groups/lobby/history").json()
    first_version = history[-1]["version"]
    client.submit("/config/group/lobby", f"/config/group/lobby/rollback/{first_version}")
    assert terminal.call("GET", "/terminal/config").json()["settings"]["display"]["theme"] == "dark"
    audit = client.page("/audit").text
    assert "config.rollback" in audit and "config.update" in audit


def test_choosing_inherit_removes_the_key_from_the_layer(live_server):
    client = _signed_in(live_server)
    _save(client, "/config/defaults", {"set:modules.feedback": "on"})  # set here, switch off: false
    assert live_server.admin("GET", "/admin/config/defaults").json()["settings"] == {"modules": {"feedback": False}}
    preview = _text(_save(client, "/config/defaults", {"set:modules.feedback": ""}))
    assert "Feedback modules.feedback No longer set here: inherited from the layer below." in preview
    assert live_server.admin("GET", "/admin/config/defaults").json()["settings"] == {}


def test_the_pin_is_typed_twice_hashed_on_the_server_and_never_sent_back(live_server):
    client = _signed_in(live_server)
    pin = {"set:maintenance.pin_hash": "on"}
    refused = client.submit("/config/defaults", "/config/defaults/preview", {**pin, "pin:new": "1357", "pin:again": "1358"})
    assert refused.status_code == 422 and "The two PINs differ." in _row(refused.text, "maintenance.pin_hash")
    refused = client.submit("/config/defaults", "/config/defaults/preview", {**pin, "pin:new": "12a4", "pin:again": "12a4"})
    assert "A PIN is 4 to 12 digits." in refused.text
    refused = client.submit("/config/defaults", "/config/defaults/preview", pin)
    assert "Type a new PIN twice to set it here." in refused.text  # nothing to keep in this layer yet
    preview = _save(client, "/config/defaults", {**pin, "pin:new": "135790", "pin:again": "135790"}, "new PIN")
    assert "A new PIN is set here." in preview and "scrypt$" not in _text(preview)
    stored = live_server.admin("GET", "/admin/config/defaults").json()["settings"]["maintenance"]["pin_hash"]
    assert verify_pin("135790", stored)
    page = client.page("/config/defaults").text
    assert stored not in page and "scrypt$" not in page
    assert "Last set here on" in _row(page, "maintenance.pin_hash")
    _save(client, "/config/defaults", {**pin, "set:idle.warning_seconds": "on", "value:idle.warning_seconds": "30"})
    assert live_server.admin("GET", "/admin/config/defaults").json()["settings"]["maintenance"]["pin_hash"] == stored


def test_rows_hours_and_languages_are_read_from_their_controls(live_server):
    client = _signed_in(live_server)
    fields = {
        "set:feedback.categories": "on",
        # Sent in the order the rows stand on the page after "move up": index 1 before index 0.
        "value:feedback.categories.1.key": "wish", "value:feedback.categories.1.title.zh": "微心愿",
        "value:feedback.categories.1.title.en": "Micro-wish", "value:feedback.categories.1.icon": "gift",
        "value:feedback.categories.0.key": "repair", "value:feedback.categories.0.title.zh": "报修",
        "value:feedback.categories.0.title.en": "Repair", "value:feedback.categories.0.icon": "wrench",
        "value:feedback.categories.0.rating": "on",
        "value:feedback.categories.2.key": "", "value:feedback.categories.2.title.zh": "",  # the blank row
        "set:hours.weekly": "on", "value:hours.weekly.mon.0.from": "08:30", "value:hours.weekly.mon.0.to": "12:00",
        "value:hours.weekly.mon.1.from": "13:00", "value:hours.weekly.mon.1.to": "17:30",
        "set:display.languages": "on", "value:display.languages": "zh_CN",
        "set:display.default_language": "on", "value:display.default_language": "zh_CN",
    }
    _save(client, "/config/defaults", fields)
    settings = live_server.admin("GET", "/admin/config/defaults").json()["settings"]
    assert [c["key"] for c in settings["feedback"]["categories"]] == ["wish", "repair"]
    assert settings["feedback"]["categories"][1]["rating"] is True
    assert settings["hours"]["weekly"] == {"mon": ["08:30-12:00", "13:00-17:30"], "tue": [], "wed": [], "thu": [],
                                           "fri": [], "sat": [], "sun": []}
    assert settings["display"]["languages"] == ["zh_CN"]
    refused = client.submit("/config/defaults", "/config/defaults/preview", {
        **fields, "value:hours.weekly.tue.0.from": "18:00", "value:hours.weekly.tue.0.to": "09:00",
        "value:display.default_language": "en"})
    assert refused.status_code == 422
    assert "18:00–09:00 is not a time span" in _text(_row(refused.text, "hours.weekly"))
    refused = client.submit("/config/defaults", "/config/defaults/preview", {**fields, "value:display.default_language": "en"})
    assert "The starting language must be one of the languages offered." in _row(refused.text, "display.default_language")


def test_a_group_is_created_directly_with_its_name_checked_and_duplicates_refused(live_server):
    client = _signed_in(live_server)
    bad = client.submit("/config", "/groups", {"group": "t1/east"})
    assert bad.status_code == 422 and 'aria-describedby="error-new-group"' in bad.text and 'value="t1/east"' in bad.text
    created = client.submit("/config", "/groups", {"group": " 二号楼 west "})
    assert created.status_code == 200 and created.url.endswith("/console/config/group/%E4%BA%8C%E5%8F%B7%E6%A5%BC%20west")
    assert '<a href="/console/config/group/%E4%BA%8C%E5%8F%B7%E6%A5%BC%20west">二号楼 west</a>' in client.page("/config").text
    duplicate = client.submit("/config", "/groups", {"group": "二号楼 WEST"})
    assert duplicate.status_code == 422 and "There is a group of that name already." in duplicate.text
    assert 'id="error-new-group"' in duplicate.text and 'value="二号楼 WEST"' in duplicate.text
    entries = [e for e in live_server.admin("GET", "/admin/audit").json() if e["action"] == "group.create"]
    assert [e["target"] for e in entries] == ["group:二号楼 west"]
    assert enrolled_terminal(live_server, group="二号楼 west").status()["group"] == "二号楼 west"  # the same group

