"""Configuration layers (server/fleet/layers.py) stored in the database: the newest version of each layer is in
force, defaults < group < terminal, a layer is checked against every terminal it reaches (revoked ones no
longer count) and refused whole, each version is audited, a rollback is a new version with old content, and
two writers at once are serialised so neither checks against layers about to change.
(tests/server/test_config_layers.py has the merge arithmetic without a database.)"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from server.fleet import layers, terminals
from server.fleet.models import AuditEntry, ConfigLayer
from server.fleet.schemas import ConfigRejected
from tests.server.domain.builders import ACTOR, BOTH_DIALECTS, BUILTIN, terminal

DEFAULTS = layers.LayerKey("defaults", "")


def _write(db, key: layers.LayerKey, settings: dict, comment: str = "", action: str = "config.update", **detail):
    layers.lock_config(db)
    written = layers.write_layer(db, BUILTIN, key, settings, ACTOR, comment, action, **detail)
    if isinstance(written, ConfigLayer):
        db.commit()
    else:
        db.rollback()
    return written


def _effective(db, subject) -> layers.EffectiveConfig:
    db.expire_all()
    return layers.effective_config(BUILTIN, layers.current_layers(db), subject)


def _history(db, key: layers.LayerKey) -> list[ConfigLayer]:
    return list(db.scalars(select(ConfigLayer).where(ConfigLayer.scope == key.scope, ConfigLayer.target == key.target)
                           .order_by(ConfigLayer.id.desc())))


def _audit(db) -> list[tuple[str, str, dict]]:
    return [(e.action, e.target, e.detail) for e in db.scalars(
        select(AuditEntry).where(AuditEntry.action.like("config.%")).order_by(AuditEntry.id))]


def test_defaults_then_group_then_terminal_the_newest_version_of_each_in_force(db):
    grouped = terminal(db, "T1 1号机", group="T1")
    lone = terminal(db, "T3 1号机")
    group_key, own_key = layers.LayerKey("group", "T1"), layers.LayerKey("terminal", str(grouped.id))
    _write(db, DEFAULTS, {"idle": {"timeout_seconds": 60}})
    defaults = _write(db, DEFAULTS, {"idle": {"timeout_seconds": 90}, "display": {"theme": "dark"}})
    group = _write(db, group_key, {"idle": {"timeout_seconds": 120}})
    own = _write(db, own_key, {"display": {"elder_mode": True}, "terminal": {"name": "forged"}})

    config = _effective(db, grouped)
    assert config.settings["idle"] == {"timeout_seconds": 120, "warning_seconds": BUILTIN["idle"]["warning_seconds"]}
    assert (config.settings["display"]["theme"], config.settings["display"]["elder_mode"]) == ("dark", True)
    assert config.settings["terminal"]["name"] == "T1 1号机"  # its own name, whatever a layer says
    assert (config.sources["idle.timeout_seconds"], config.sources["display.theme"],
            config.sources["display.elder_mode"], config.sources["idle.warning_seconds"]) == (
        "group", "defaults", "terminal", "builtin")
    assert config.version == own.id > group.id > defaults.id
    assert layers.config_version(layers.current_layers(db), grouped) == own.id

    # In no group and with no layer of its own: built-in and the newest defaults only.
    other = _effective(db, lone)
    assert other.settings["idle"]["timeout_seconds"] == 90 and other.version == defaults.id
    assert layers.current_layer(db, "defaults", "").id == defaults.id
    # Moved into the group, the group's layer reaches it.
    lone.group = terminals.find_group(db, "T1")
    db.commit()
    assert _effective(db, lone).settings["idle"]["timeout_seconds"] == 120


def test_a_malformed_layer_is_refused_naming_the_field_and_nothing_is_written(db):
    terminal(db)
    _write(db, DEFAULTS, {"display": {"theme": "dark"}})
    before = _audit(db)
    for bad, field in [({"idle": {"warning_seconds": 5}}, "idle.warning_seconds"),
                       ({"surprise": {"x": 1}}, "surprise"), ({"idle": 5}, "idle"),
                       ({"announcements": [{"zh": "只有中文"}]}, "announcements.0.en")]:
        refused = _write(db, DEFAULTS, bad)
        assert isinstance(refused, ConfigRejected), bad
        assert field in [e.field for e in refused.errors], (bad, refused)
        assert refused.detail.startswith("the settings would be invalid for a new terminal"), refused.detail
    assert [layer.settings for layer in _history(db, DEFAULTS)] == [{"display": {"theme": "dark"}}]
    assert _audit(db) == before


def test_a_layer_is_checked_against_every_terminal_it_reaches_and_revoked_ones_no_longer_count(db):
    terminal(db, "Chinese")
    english = terminal(db, "English first", group="east")
    _write(db, layers.LayerKey("terminal", str(english.id)), {"display": {"default_language": "en"}})
    chinese_only = {"display": {"languages": ["zh_CN"]}}
    # Chinese only would suit a terminal with no layer of its own, not the one whose default is English ...
    refused = _write(db, DEFAULTS, chinese_only)
    assert refused.detail == f"the settings would be invalid for terminal {english.id} (English first)"
    assert [e.field for e in refused.errors] == ["display"]
    assert _history(db, DEFAULTS) == []
    assert isinstance(_write(db, layers.LayerKey("group", "east"), chinese_only), ConfigRejected)
    assert isinstance(_write(db, layers.LayerKey("group", "west"), chinese_only), ConfigLayer)  # not in west
    assert isinstance(_write(db, DEFAULTS, {"display": {"languages": ["en", "zh_CN"]}}), ConfigLayer)
    # ... and once that terminal is revoked, nothing it reaches is broken.
    terminals.revoke(db, english, ACTOR)
    db.commit()
    assert isinstance(_write(db, DEFAULTS, chinese_only), ConfigLayer)


def test_each_version_is_audited_and_a_rollback_is_a_new_version_with_the_old_content(db):
    terminal(db, group="T1")
    key = layers.LayerKey("group", "T1")
    v1 = _write(db, key, {"idle": {"timeout_seconds": 90}}, "first")
    v2 = _write(db, key, {"idle": {"timeout_seconds": 200}}, "second")
    assert [(h.id, h.author, h.comment) for h in _history(db, key)] == [(v2.id, ACTOR, "second"), (v1.id, ACTOR, "first")]

    # What both rollback routes do (API and console): write the old version's content again.
    old = db.get(ConfigLayer, v1.id)
    rolled = _write(db, key, old.settings, f"rollback to version {v1.id}", "config.rollback", restored_version=v1.id)
    assert rolled.id > v2.id and rolled.settings == v1.settings
    assert layers.current_layer(db, "group", "T1").id == rolled.id
    assert [h.id for h in _history(db, key)] == [rolled.id, v2.id, v1.id]
    assert _audit(db) == [
        ("config.update", "config:group:T1", {"version": v1.id, "comment": "first"}),
        ("config.update", "config:group:T1", {"version": v2.id, "comment": "second"}),
        ("config.rollback", "config:group:T1", {"version": rolled.id, "comment": f"rollback to version {v1.id}",
                                                "restored_version": v1.id}),
    ]


def test_a_rollback_to_a_version_that_would_now_break_a_terminal_is_refused(db):
    english = terminal(db, "English first")
    chinese_only = _write(db, DEFAULTS, {"display": {"languages": ["zh_CN"]}})
    _write(db, DEFAULTS, {"display": {"languages": ["en", "zh_CN"]}})
    _write(db, layers.LayerKey("terminal", str(english.id)), {"display": {"default_language": "en"}})
    refused = _write(db, DEFAULTS, chinese_only.settings, action="config.rollback", restored_version=chinese_only.id)
    assert isinstance(refused, ConfigRejected)
    assert layers.current_layer(db, "defaults", "").settings == {"display": {"languages": ["en", "zh_CN"]}}


@BOTH_DIALECTS
def test_two_writers_at_once_are_serialised_so_the_second_checks_against_the_first(db, sessions):
    english = terminal(db, "English first")
    english_id = english.id
    outcome: list = []
    with sessions() as holder:
        layers.lock_config(holder)
        first = layers.write_layer(holder, BUILTIN, layers.LayerKey("terminal", str(english_id)),
                                   {"display": {"default_language": "en"}}, ACTOR, "", "config.update")
        assert isinstance(first, ConfigLayer)  # written, not committed yet

        def second_writer():
            with sessions() as session:
                layers.lock_config(session)
                written = layers.write_layer(session, BUILTIN, DEFAULTS, {"display": {"languages": ["zh_CN"]}},
                                             ACTOR, "", "config.update")
                session.commit()
                outcome.append(written)

        thread = threading.Thread(target=second_writer, daemon=True)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the config lock (PostgreSQL) or the write lock (SQLite)
        holder.commit()
    thread.join(60)
    [second] = outcome
    # Checked against the terminal layer just committed: Chinese only would break the English terminal.
    assert isinstance(second, ConfigRejected), second
    assert second.detail == f"the settings would be invalid for terminal {english_id} (English first)"
    assert _history(db, DEFAULTS) == []


def test_a_terminal_layer_reaches_its_terminal_even_when_revoked(db):
    gone = terminal(db, "Gone")
    terminals.revoke(db, gone, ACTOR)
    db.commit()
    assert layers.LayerKey("terminal", str(gone.id)).reached(db) == [gone]
    assert layers.LayerKey("defaults", "").reached(db) == []


@pytest.mark.parametrize("seconds", [5, 600])
def test_the_heartbeat_interval_follows_the_effective_settings(db, seconds):
    subject = terminal(db)
    _write(db, DEFAULTS, {"sync": {"heartbeat_seconds": seconds}})
    assert layers.heartbeat_seconds(_effective(db, subject).settings) == seconds


def test_a_refusal_names_each_field_with_its_error_type_and_limits(db):
    refused = _write(db, DEFAULTS, {"idle": {"timeout_seconds": 5}, "feedback": {"max_text_length": 900}})
    assert isinstance(refused, ConfigRejected)
    by_field = {error.field: error for error in refused.errors}
    assert (by_field["idle.timeout_seconds"].kind, by_field["idle.timeout_seconds"].limits) == ("greater_than_equal", {"ge": 15})
    assert (by_field["feedback.max_text_length"].kind, by_field["feedback.max_text_length"].limits) == ("less_than_equal", {"le": 500})


def test_last_changed_is_the_version_that_gave_a_key_its_current_value(db):
    pin = "maintenance.pin_hash"
    assert layers.last_changed(db, DEFAULTS, pin) is None
    hashed = {"maintenance": {"pin_hash": BUILTIN["maintenance"]["pin_hash"]}}
    first = _write(db, DEFAULTS, hashed)
    _write(db, DEFAULTS, {**hashed, "idle": {"timeout_seconds": 90}})  # the PIN kept as it was
    assert layers.last_changed(db, DEFAULTS, pin).id == first.id
    _write(db, DEFAULTS, {"idle": {"timeout_seconds": 90}})  # no longer set here
    assert layers.last_changed(db, DEFAULTS, pin) is None
    again = _write(db, DEFAULTS, hashed)
    assert layers.last_changed(db, DEFAULTS, pin).id == again.id
