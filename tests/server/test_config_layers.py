"""Layer arithmetic without a database: merge order, key sources, versions, and the check of a new layer."""

from __future__ import annotations

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import read_settings_document
from server.fleet.layers import check_layer, config_version, effective_config, heartbeat_seconds
from server.fleet.models import ConfigLayer, Terminal, TerminalGroup

BUILTIN = read_settings_document(DEFAULT_SETTINGS_FILE)


def _terminal(terminal_id=1, group=None) -> Terminal:
    return Terminal(id=terminal_id, name=f"T{terminal_id}", location="Lobby",
                    group=TerminalGroup(name=group) if group else None)


def _layers(*layers: tuple[int, str, str, dict]) -> dict:
    return {(scope, target): ConfigLayer(id=version, scope=scope, target=target, settings=settings)
            for version, scope, target, settings in layers}


def test_the_topmost_layer_wins_and_every_key_names_its_source():
    layers = _layers((3, "defaults", "", {"idle": {"timeout_seconds": 90}, "display": {"theme": "dark"}}),
                     (5, "group", "east", {"idle": {"timeout_seconds": 120}}),
                     (4, "terminal", "1", {"announcements": []}))
    config = effective_config(BUILTIN, layers, _terminal(group="east"))
    assert config.settings["idle"]["timeout_seconds"] == 120
    assert config.settings["announcements"] == []
    assert config.sources["idle.timeout_seconds"] == "group"
    assert config.sources["display.theme"] == "defaults"
    assert config.sources["display.languages"] == "builtin"
    assert config.sources["announcements"] == "terminal"
    assert config.version == 5 == config_version(layers, _terminal(group="east"))
    # A terminal in another group is reached by the defaults only.
    assert config_version(layers, _terminal(terminal_id=2, group="west")) == 3


def test_the_etag_follows_the_content():
    layers = _layers((1, "defaults", "", {"display": {"theme": "dark"}}))
    same = effective_config(BUILTIN, layers, _terminal()).etag
    assert effective_config(BUILTIN, dict(layers), _terminal()).etag == same
    assert effective_config(BUILTIN, {}, _terminal()).etag != same
    assert effective_config(BUILTIN, layers, _terminal(terminal_id=2)).etag != same  # its own name differs


def test_a_group_layer_is_checked_for_a_terminal_yet_to_come():
    rejected = check_layer(BUILTIN, {}, "group", "east", {"idle": {"warning_seconds": 1}}, [])
    assert rejected.detail == "the settings would be invalid for a new terminal in group east"
    assert [(e.field, e.message) for e in rejected.errors] == [
        ("idle.warning_seconds", "Input should be greater than or equal to 20")]
    assert check_layer(BUILTIN, {}, "group", "east", {"idle": {"warning_seconds": 30}}, []) is None


def test_the_same_error_on_many_terminals_is_reported_once():
    terminals = [_terminal(terminal_id=n) for n in range(1, 6)]
    rejected = check_layer(BUILTIN, {}, "defaults", "", {"display": {"theme": "neon"}}, terminals)
    assert len(rejected.errors) == 1
    assert rejected.detail.endswith("and 3 more")


def test_an_unusable_heartbeat_interval_falls_back_to_the_default():
    assert heartbeat_seconds({"sync": {"heartbeat_seconds": 5}}) == 5
    assert heartbeat_seconds({"sync": {"heartbeat_seconds": "soon"}}) == 30
    assert heartbeat_seconds({}) == 30
