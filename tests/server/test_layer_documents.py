"""What a new version of a layer changes, key by key (server/fleet/layer_documents.py): the diff the console says
in words before saving; a {zh, en} text and a week of opening hours each count as one setting."""

from __future__ import annotations

from server.fleet.layer_documents import Change, layer_changes, value_at


def test_changes_are_added_removed_or_changed_keys_in_order():
    old = {"idle": {"timeout_seconds": 60}, "display": {"theme": "dark"}, "terminal": {"centre_name": {"zh": "甲", "en": "A"}}}
    new = {"idle": {"timeout_seconds": 90}, "modules": {"feedback": False}, "terminal": {"centre_name": {"zh": "乙", "en": "A"}}}
    changes = layer_changes(old, new)
    assert changes == [Change("display.theme", "dark", None), Change("idle.timeout_seconds", 60, 90),
                       Change("modules.feedback", None, False),
                       Change("terminal.centre_name", {"zh": "甲", "en": "A"}, {"zh": "乙", "en": "A"})]
    assert [change.kind for change in changes] == ["removed", "changed", "added", "changed"]
    assert layer_changes(new, new) == []


def test_a_week_of_hours_is_compared_as_one_setting():
    old = {"hours": {"weekly": {"mon": ["08:30-17:30"], "tue": ["08:30-17:30"]}}}
    new = {"hours": {"weekly": {"mon": ["08:30-12:00"], "tue": ["08:30-17:30"]}}}
    assert layer_changes(old, new, ("hours.weekly",)) == [
        Change("hours.weekly", {"mon": ["08:30-17:30"], "tue": ["08:30-17:30"]}, {"mon": ["08:30-12:00"], "tue": ["08:30-17:30"]})]
    assert value_at(new, "hours.weekly.mon") == ["08:30-12:00"] and value_at(new, "hours.daily") is None
