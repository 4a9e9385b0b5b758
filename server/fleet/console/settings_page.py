"""What the configuration page shows of each setting: whether this layer sets it, the value its control starts
from, the effective value in words and where it comes from, the PIN's last change; grouped in sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common.settings import WEEKDAYS, SettingsError, parse_settings
from server.fleet import layers
from server.fleet.console.settings_form import SECTIONS, SettingField
from server.fleet.console.settings_input import SPANS_PER_DAY
from server.fleet.console.settings_words import duration_parts, in_words, source_name
from server.fleet.layer_documents import Change, flatten, value_at
from server.fleet.models import ConfigLayer


@dataclass
class Row:
    field: SettingField
    set_here: bool
    value: Any  # in the shape of the field's control (see control_value)
    effective: str  # in words
    source: str  # in words
    changed: ConfigLayer | None = None  # the PIN: the version that last set it here


@dataclass
class Section:
    anchor: str
    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.field.errors)


def sections(fields: list[SettingField], own: dict, effective: layers.EffectiveConfig, key: layers.LayerKey,
             group: str, only_set: bool, pin_changed: ConfigLayer | None) -> list[Section]:
    """The page's sections, each with its rows (only those this layer sets when ``only_set``)."""
    values = _with_model_defaults(effective.settings)
    by_anchor = {anchor: Section(anchor, title) for anchor, title, _ in SECTIONS}
    for setting in fields:
        mine = value_at(own, setting.key)
        set_here = mine is not None or setting.typed is not None or bool(setting.errors)
        if only_set and not set_here:
            continue
        effective_value = values.get(setting.key)
        source = _source(effective.sources, setting.key)
        by_anchor[setting.section].rows.append(Row(
            setting, set_here,
            setting.typed if setting.typed is not None else control_value(setting, mine if set_here else effective_value),
            in_words(setting, effective_value), source_name(source, group if source == "group" else ""),
            pin_changed if setting.kind == "pin" else None,
        ))
    return [section for section in by_anchor.values() if section.rows]


def control_value(setting: SettingField, value: Any) -> Any:
    """``value`` (from a settings document) in the shape its control takes."""
    if setting.kind == "duration":
        return {"amount": "" if value is None else duration_parts(value)[0],
                "factor": 1 if value is None else duration_parts(value)[1]}
    if setting.kind == "hours":
        weekly = value or {}
        return {day: [tuple(span.split("-", 1)) for span in weekly.get(day, ())][:SPANS_PER_DAY] for day in WEEKDAYS}
    if setting.kind == "dates":
        return "\n".join(str(item) for item in value or ())
    if setting.kind in ("rows", "checkboxes"):
        return list(value or ())
    if setting.kind == "text_pair":
        return value if isinstance(value, dict) else {"zh": "", "en": ""}
    if setting.kind == "pin":
        return ""  # the hash never goes to the browser
    return "" if value is None else value


def _with_model_defaults(settings: dict) -> dict:
    """Every setting's value, the model's defaults filled in (as the kiosk sees them) when the layers are valid."""
    try:
        document = parse_settings(settings, "effective settings").model_dump(mode="json")
    except SettingsError:
        document = settings
    return {**flatten(document), "hours.weekly": value_at(document, "hours.weekly")}


def _source(sources: dict[str, str], key: str) -> str:
    """The layer a setting's value comes from: a text's is its "zh" leaf's, the hours' any weekday's."""
    found = sources.get(key) or sources.get(f"{key}.zh")
    if found is None:
        found = next((source for leaf, source in sources.items() if leaf.startswith(key + ".")), None)
    return found or "default"


@dataclass(frozen=True)
class ChangeInWords:
    field: SettingField | None
    key: str
    kind: str  # added | removed | changed
    old: str
    new: str


def changes_in_words(changes: list[Change], fields: list[SettingField]) -> list[ChangeInWords]:
    by_key = {setting.key: setting for setting in fields}
    said = []
    for change in changes:
        setting = by_key.get(change.key)
        if setting is None:
            old, new = (str(value) if value is not None else "—" for value in (change.old, change.new))
        else:
            old, new = in_words(setting, change.old), in_words(setting, change.new)
        said.append(ChangeInWords(setting, change.key, change.kind, old, new))
    order = {setting.key: index for index, setting in enumerate(fields)}
    return sorted(said, key=lambda change: order.get(change.key, len(order)))
