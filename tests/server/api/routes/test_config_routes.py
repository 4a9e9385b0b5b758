"""Configuration layers over real HTTP: merge order, refusals naming each bad field, ETag/304, history, rollback."""

from __future__ import annotations

import pytest

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import read_settings_document
from tests.server.calls import enrolled_terminal

pytestmark = pytest.mark.postgresql  # the dialect matters: config layers take a dialect-specific lock

BUILTIN = read_settings_document(DEFAULT_SETTINGS_FILE)


def _put(server, path, settings, comment=""):
    return server.admin("PUT", f"/admin/config/{path}", json={"settings": settings, "comment": comment})


def _config(terminal, etag=None):
    headers = {"If-None-Match": f'"{etag}"'} if etag else {}
    return terminal.call("GET", "/terminal/config", headers=headers)


def test_layers_merge_in_order_with_the_terminals_own_name_on_top(live_server):
    terminal = enrolled_terminal(live_server, "T1 1号机", "T1 大堂东侧", group="T1")
    other = enrolled_terminal(live_server, "T3 1号机", "T3 大堂")
    defaults = _put(live_server, "defaults", {"idle": {"timeout_seconds": 90}, "display": {"theme": "dark"}}, "fleet")
    assert defaults.status_code == 200
    group = _put(live_server, "groups/T1", {"idle": {"timeout_seconds": 120}})
    own = _put(live_server, f"terminals/{terminal.id}", {"display": {"elder_mode": True}, "terminal": {"name": "forged"}})
    assert group.status_code == own.status_code == 200

    config = _config(terminal).json()
    settings = config["settings"]
    assert settings["idle"] == {"timeout_seconds": 120, "warning_seconds": BUILTIN["idle"]["warning_seconds"]}
    assert (settings["display"]["theme"], settings["display"]["elder_mode"]) == ("dark", True)
    assert (settings["terminal"]["name"], settings["terminal"]["location"]) == ("T1 1号机", "T1 大堂东侧")
    assert settings["terminal"]["centre_name"] == BUILTIN["terminal"]["centre_name"]
    assert config["version"] == own.json()["version"] > group.json()["version"] > defaults.json()["version"]

    # The other terminal is in no group and has no layer of its own: built-in ⊕ defaults only.
    other_config = _config(other).json()
    assert other_config["settings"]["idle"]["timeout_seconds"] == 90
    assert other_config["version"] == defaults.json()["version"]

    effective = live_server.admin("GET", f"/admin/config/terminals/{terminal.id}/effective").json()
    assert effective["settings"] == settings and effective["etag"] == config["etag"]
    assert effective["sources"]["idle.timeout_seconds"] == "group"
    assert effective["sources"]["idle.warning_seconds"] == "builtin"
    assert effective["sources"]["display.theme"] == "defaults"
    assert effective["sources"]["display.elder_mode"] == "terminal"
    assert effective["sources"]["terminal.name"] == "terminal"


def test_a_layer_update_is_a_patch_and_null_removes_a_key(live_server):
    terminal = enrolled_terminal(live_server)
    _put(live_server, "defaults", {"idle": {"timeout_seconds": 90, "warning_seconds": 30}}).raise_for_status()
    patched = _put(live_server, "defaults", {"idle": {"timeout_seconds": None}, "display": {"theme": "dark"}}).json()
    assert patched["settings"] == {"idle": {"warning_seconds": 30}, "display": {"theme": "dark"}}
    assert _config(terminal).json()["settings"]["idle"]["timeout_seconds"] == BUILTIN["idle"]["timeout_seconds"]
    current = live_server.admin("GET", "/admin/config/defaults").json()
    assert current == patched


# (layer, the field its refusal must name)
BAD_LAYERS = [
    ({"idle": {"timeout_seconds": "<script>alert(1)</script>"}}, "idle.timeout_seconds"),
    ({"idle": {"warning_seconds": 5}}, "idle.warning_seconds"),
    ({"display": {"colour": "red"}}, "display.colour"),
    ({"idle": 5}, "idle"),
    ({"surprise": {"x": 1}}, "surprise"),
    ({"guide": {"qr_url_template": "javascript:alert({code})"}}, "guide.qr_url_template"),
    ({"sync": {"heartbeat_seconds": 10 ** 30}}, "sync.heartbeat_seconds"),
    ({"announcements": [{"zh": "只有中文"}]}, "announcements.0.en"),
]


def test_bad_layers_are_refused_naming_the_field_and_nothing_changes(live_server):
    terminal = enrolled_terminal(live_server)
    before = _config(terminal).json()
    for layer, field in BAD_LAYERS:
        reply = _put(live_server, "defaults", layer)
        assert reply.status_code == 422, layer
        body = reply.json()
        assert field in [error["field"] for error in body["errors"]], (layer, body)
        assert body["detail"].startswith("the settings would be invalid for"), body
    assert live_server.admin("GET", "/admin/config/defaults/history").json() == []
    assert _config(terminal).json() == before


def test_config_carries_an_etag_and_answers_304_until_it_changes(live_server):
    terminal = enrolled_terminal(live_server)
    first = _config(terminal)
    etag = first.json()["etag"]
    assert first.headers["ETag"] == f'"{etag}"'
    assert first.json()["version"] == 0
    assert _config(terminal, etag).status_code == 304
    assert terminal.heartbeat().json()["config_etag"] == etag

    version = _put(live_server, "defaults", {"display": {"theme": "high_contrast"}}).json()["version"]
    changed = _config(terminal, etag)
    assert changed.status_code == 200 and changed.json()["etag"] != etag
    reply = terminal.heartbeat().json()
    assert (reply["config_version"], reply["config_etag"]) == (version, changed.json()["etag"])
    assert terminal.status()["config_version_current"] == version


def test_history_and_rollback_make_new_versions_and_are_audited(live_server):
    enrolled_terminal(live_server, group="T1")
    v1 = _put(live_server, "groups/T1", {"idle": {"timeout_seconds": 90}}, "first").json()
    v2 = _put(live_server, "groups/T1", {"idle": {"timeout_seconds": 200}}, "second").json()
    history = live_server.admin("GET", "/admin/config/groups/T1/history").json()
    assert [h["version"] for h in history] == [v2["version"], v1["version"]]
    assert (history[0]["author"], history[0]["comment"], history[0]["target"]) == ("admin", "second", "T1")

    rolled = live_server.admin("POST", f"/admin/config/groups/T1/rollback/{v1['version']}")
    assert rolled.status_code == 200
    assert rolled.json()["version"] > v2["version"]
    assert rolled.json()["settings"] == v1["settings"]
    assert live_server.admin("GET", "/admin/config/groups/T1").json()["settings"] == v1["settings"]

    # A version of another layer is not this layer's to restore.
    defaults = _put(live_server, "defaults", {"display": {"theme": "dark"}}).json()
    assert live_server.admin("POST", f"/admin/config/groups/T1/rollback/{defaults['version']}").status_code == 404

    audit = [(e["action"], e["target"], e["detail"].get("version")) for e in live_server.admin("GET", "/admin/audit").json()]
    assert ("config.update", "config:group:T1", v1["version"]) in audit
    assert ("config.rollback", "config:group:T1", rolled.json()["version"]) in audit


def test_unknown_targets_are_404(live_server):
    assert _put(live_server, "groups/nowhere", {"display": {"theme": "dark"}}).status_code == 404
    assert _put(live_server, "terminals/999", {"display": {"theme": "dark"}}).status_code == 404
    assert live_server.admin("GET", "/admin/config/defaults").status_code == 404  # no layer yet
    assert live_server.admin("GET", "/admin/config/terminals/999/effective").status_code == 404
