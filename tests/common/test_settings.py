"""Settings: the shipped file loads, and every bad file is refused with an error naming the key and file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from common.catalogue import Text
from common.paths import DEFAULT_SETTINGS_FILE
from common.pin import hash_pin
from common.settings import FeedbackCategory, KioskSettings, SettingsError, load_settings

TERMINAL = """
[terminal]
name = "Test terminal"
location = "Test lobby"
centre_name = { zh = "测试中心", en = "Test centre" }
"""
MAINTENANCE = f"""
[maintenance]
pin_hash = "{hash_pin("2468")}"
"""


def _write(tmp_path, *sections: str):
    path = tmp_path / "settings.toml"
    path.write_text("\n".join(sections), encoding="utf-8")
    return path


def _error(path) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    return str(caught.value)


def test_shipped_settings_load():
    settings = load_settings(DEFAULT_SETTINGS_FILE)
    raw = tomllib.loads(DEFAULT_SETTINGS_FILE.read_text(encoding="utf-8"))
    assert settings.terminal.name == raw["terminal"]["name"]
    assert settings.idle.warning_seconds == raw["idle"]["warning_seconds"]
    assert settings.display.default_language in settings.display.languages
    assert len(settings.announcements) == len(raw["announcements"])


def test_minimal_settings_take_defaults(tmp_path):
    settings = load_settings(_write(tmp_path, TERMINAL, MAINTENANCE))
    assert settings.terminal.name == "Test terminal"
    assert settings.display.default_language in settings.display.languages
    assert settings.idle.warning_seconds >= 20


# (extra TOML, section that holds the bad key, the bad key)
BAD = {
    "unknown key": ('[display]\ncolour = "x"', "display", "colour"),
    "warning too short": ("[idle]\nwarning_seconds = 5", "idle", "warning_seconds"),
    "default language not offered": ('[display]\nlanguages = ["en"]\ndefault_language = "zh_CN"', "display", "default_language"),
    "bad theme": ('[display]\ntheme = "purple"', "display", "theme"),
    "pin_hash not a hash": ('[maintenance]\npin_hash = "2468"', "maintenance", "pin_hash"),
    "qr template without code": ('[guide]\nqr_url_template = "https://zwfw.example.org/guide"', "guide", "qr_url_template"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_key_is_named_with_the_file(tmp_path, case):
    extra, section, key = BAD[case]
    sections = [TERMINAL, extra] if section == "maintenance" else [TERMINAL, MAINTENANCE, extra]
    path = _write(tmp_path, *sections)
    message = _error(path)
    assert str(path) in message
    # One line names the section and the key, so whoever edits the file finds it.
    assert any(re.search(rf"\b{section}\b", line) and key in line for line in message.splitlines()), message


def test_missing_terminal_section_is_named(tmp_path):
    path = _write(tmp_path, MAINTENANCE)
    message = _error(path)
    assert str(path) in message
    assert re.search(r"^\s*terminal\b", message, re.MULTILINE), message


def test_invalid_toml_names_the_file(tmp_path):
    path = _write(tmp_path, TERMINAL, MAINTENANCE, "[idle\nwarning_seconds = ")
    assert str(path) in _error(path)


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.toml"
    assert str(path) in _error(path)


def test_settings_are_frozen():
    settings = load_settings(DEFAULT_SETTINGS_FILE)
    with pytest.raises(ValidationError):
        settings.idle.warning_seconds = 5
    with pytest.raises(ValidationError):
        settings.display = settings.display


def _leaf_fields(model, prefix=""):
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not Text:
            yield from _leaf_fields(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", info


def test_every_setting_has_a_title_and_one_line_of_help_and_the_readme_names_every_section():
    """The console's configuration page and the kiosk take both from here (marked for gettext), so they agree."""
    for key, info in [*_leaf_fields(KioskSettings), *_leaf_fields(FeedbackCategory, "feedback.categories.")]:
        assert info.title and info.description, f"{key} has no title or description"
        assert "\n" not in info.description and len(info.description) <= 120, key
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("Once enrolled", 1)[0]
    for section in KioskSettings.model_fields:
        assert f"`[{section}]`" in table or f"`{section}`" in table, f"README's configuration table lacks {section}"
