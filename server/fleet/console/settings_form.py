"""The configuration form, generated from common.settings.KioskSettings: every setting with its title and one-line
help (the model's Field title/description, translated through gettext), its section, unit and the control that
fits its type. Reading the submitted form back is settings_input.py; saying values and errors in words is
settings_words.py."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from common.catalogue import Text
from common.settings import KioskSettings
from server.web.i18n import N_

# Set from the terminal's own record on every terminal, so not offered in the form.
_NOT_IN_FORM = {"terminal.name", "terminal.location"}

# The form's sections in order: (anchor, title, the keys it holds by prefix). The first prefix that matches wins.
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("centre", N_("Centre and texts"), ("terminal.", "announcements")),
    ("display", N_("Display and language"), ("display.",)),
    ("idle", N_("Idle and privacy"), ("idle.", "feedback.require_consent_for_phone", "usage.")),
    ("modules", N_("Modules"), ("modules.",)),
    ("hours", N_("Opening hours"), ("hours.",)),
    ("guide", N_("Service guide"), ("guide.",)),
    ("checkin", N_("Check-in"), ("checkin.verdict_seconds", "checkin.online_timeout_seconds", "checkin.link.",
                                 "checkin.booking_spaces")),
    ("feedback", N_("Feedback"), ("feedback.",)),
    ("devices", N_("Printer and scanner"), ("printer.", "checkin.scanner.")),
    ("voice", N_("Voice"), ("voice.",)),
    ("maintenance", N_("Maintenance and logs"), ("maintenance.", "log.")),
    ("sync", N_("Sync with the server"), ("sync.",)),
)

# Durations long enough that minutes (and hours) are the natural unit: a number and a unit in the form.
DURATION_UNITS = ((1, N_("seconds")), (60, N_("minutes")), (3600, N_("hours")))
_UNITS_BY_SUFFIX = (("_seconds", "seconds"), ("_working_days", "working days"), ("_per_hour", "per hour"),
                    ("_length", "characters"), ("line_width", "characters"), ("baudrate", "baud"))


@dataclass(frozen=True)
class Column:
    """One field of a row in a list of objects (a feedback category's key, title, icon, rating)."""

    name: str  # "" for a list of plain texts (announcements)
    kind: str  # text | text_pair | switch
    title: str
    description: str = ""


@dataclass
class SettingField:
    key: str  # dotted: "idle.timeout_seconds"
    kind: str  # switch | number | duration | select | checkboxes | text_pair | text | dates | pin | hours | rows
    title: str
    description: str
    section: str
    options: tuple = ()
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    unit: str = ""  # seconds | working days | per hour | characters | baud
    columns: tuple[Column, ...] = ()
    errors: list = field(default_factory=list)  # settings_words.Said, translated when shown
    # What was submitted when it could not be read, shown again for correcting (the control's own shape).
    typed: Any = None

    @property
    def units(self) -> tuple[tuple[int, str], ...]:
        """The units a duration can be typed in: seconds, minutes, and hours when the range reaches them."""
        return tuple(unit for unit in DURATION_UNITS if unit[0] == 1 or (self.maximum or 0) >= unit[0] * 10)


def settings_fields(model: type[BaseModel] = KioskSettings, prefix: str = "") -> list[SettingField]:
    fields = []
    for name, info in model.model_fields.items():
        key = prefix + name
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not Text:
            fields += settings_fields(annotation, key + ".")
        elif key not in _NOT_IN_FORM:
            fields.append(_field(key, annotation, info))
    order = [anchor for anchor, _, _ in SECTIONS]
    return sorted(fields, key=lambda setting: order.index(setting.section))


def section_of(key: str) -> str:
    return next(anchor for anchor, _, prefixes in SECTIONS if any(key.startswith(p) for p in prefixes))


def _field(key: str, annotation: Any, info: FieldInfo) -> SettingField:
    setting = SettingField(key, "text", info.title or key, info.description or "", section_of(key))
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        setting.optional = True
        annotation = next(arg for arg in args if arg is not type(None))
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    setting.unit = next((unit for suffix, unit in _UNITS_BY_SUFFIX if key.endswith(suffix)), "")
    if key == "maintenance.pin_hash":
        setting.kind = "pin"
    elif annotation is bool:
        setting.kind = "switch"
    elif annotation in (int, float):
        bounds = {type(m): m for m in info.metadata}
        setting.minimum = getattr(bounds.get(annotated_types.Ge), "ge", None)
        setting.maximum = getattr(bounds.get(annotated_types.Le), "le", None)
        setting.integer = annotation is int
        setting.kind = "duration" if setting.unit == "seconds" and (setting.maximum or 0) >= 600 else "number"
    elif origin is Literal:
        setting.kind, setting.options = "select", args
    elif annotation is Text:
        setting.kind = "text_pair"
    elif origin is tuple and typing.get_origin(typing.get_args(annotation)[0]) is Literal:
        setting.kind, setting.options = "checkboxes", typing.get_args(typing.get_args(annotation)[0])
    elif origin is tuple and isinstance(item := typing.get_args(annotation)[0], type) and issubclass(item, BaseModel):
        setting.kind, setting.columns = "rows", _columns(item)
    elif origin is tuple:
        setting.kind = "dates"
    elif origin is dict:
        setting.kind = "hours"
    return setting


def _columns(item: type[BaseModel]) -> tuple[Column, ...]:
    if item is Text:
        return (Column("", "text_pair", N_("Text")),)
    kinds = {bool: "switch", Text: "text_pair"}
    return tuple(Column(name, kinds.get(info.annotation, "text"), info.title or name, info.description or "")  # type: ignore[arg-type]
                 for name, info in item.model_fields.items())


def attach_errors(fields: list[SettingField], errors: list[tuple[str, Any]]) -> list[Any]:
    """Each (dotted field, message) on the form field it names (or the nearest one above); the rest returned."""
    by_key = {setting.key: setting for setting in fields}
    unplaced = []
    for dotted, message in errors:
        parts = dotted.split(".")
        target = next((by_key[".".join(parts[:n])] for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in by_key),
                      None)
        if target is None:
            unplaced.append(message)
        else:
            target.errors.append(message)
    return unplaced
