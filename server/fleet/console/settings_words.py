"""Settings in the console's words: option names, units, a value as a sentence-part ("10 minutes", "On"), where an
effective value comes from (内置默认 / 全部终端 / 分组 / 本终端), and pydantic's errors by their type in the console's
language ("At most 3600 seconds.") instead of its English message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.fleet.console.settings_form import SettingField
from server.web.i18n import N_, gettext

_OPTION_NAMES = {
    "zh_CN": N_("Chinese"), "en": N_("English"),
    "light": N_("Light"), "dark": N_("Dark"), "high_contrast": N_("High contrast"),
    "none": N_("None"), "simulator": N_("Simulator (writes to a file)"), "serial": N_("Serial"),
    "auto": N_("Automatic"), "hid": N_("Keyboard (HID)"), "camera": N_("Camera"),
    "utf-8": "UTF-8", "gbk": "GBK",
    "DEBUG": N_("Debug: everything"), "INFO": N_("Information"), "WARNING": N_("Warnings"), "ERROR": N_("Errors only"),
}
# The lang attribute of an option named in its own language (WCAG 3.1.2).
OPTION_LANG = {"zh_CN": "zh-CN", "en": "en"}
WEEKDAY_NAMES = {"mon": N_("Monday"), "tue": N_("Tuesday"), "wed": N_("Wednesday"), "thu": N_("Thursday"),
                 "fri": N_("Friday"), "sat": N_("Saturday"), "sun": N_("Sunday")}
_UNIT_NAMES = {"seconds": N_("seconds"), "working days": N_("working days"), "per hour": N_("per hour"),
               "characters": N_("characters"), "baud": N_("baud"), "minutes": N_("minutes"), "hours": N_("hours"),
               "second": N_("second"), "minute": N_("minute"), "hour": N_("hour")}
_ONE_UNIT = {1: "second", 60: "minute", 3600: "hour"}
SOURCE_NAMES = {"default": N_("Built-in default"), "builtin": N_("Built-in default"),
                "defaults": N_("All terminals"), "group": N_("Group"), "terminal": N_("This terminal")}


@dataclass(frozen=True)
class Said:
    """A message translated when it is shown (inside the request's language), with its %-placeholders filled."""

    msgid: str
    params: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return gettext(self.msgid) % dict(self.params) if self.params else gettext(self.msgid)


@dataclass(frozen=True)
class _UnitAfter:
    """" seconds" after a number, translated when shown ("" without a unit)."""

    unit: str

    def __str__(self) -> str:
        return f" {unit_name(self.unit)}" if self.unit else ""


def said(msgid: str, **params: Any) -> Said:
    return Said(msgid, tuple(params.items()))


def option_name(value: Any) -> str:
    return gettext(_OPTION_NAMES[value]) if value in _OPTION_NAMES else str(value)


def unit_name(unit: str) -> str:
    return gettext(_UNIT_NAMES[unit]) if unit else ""


def duration_parts(seconds: float) -> tuple[float, int]:
    """(amount, unit factor): the largest of hours, minutes, seconds that says ``seconds`` exactly."""
    factor = next(factor for factor in (3600, 60, 1) if factor == 1 or (seconds and seconds % factor == 0))
    amount = seconds / factor
    return (int(amount) if amount == int(amount) else amount), factor


def number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def in_words(setting: SettingField, value: Any) -> str:
    """A setting's value as the page says it."""
    if value is None:
        return "—"
    if setting.kind == "pin":
        return gettext("set (hidden)")
    if setting.kind == "switch":
        return gettext("On") if value else gettext("Off")
    if setting.kind == "duration":
        amount, factor = duration_parts(value)
        units = _ONE_UNIT if amount == 1 else {1: "seconds", 60: "minutes", 3600: "hours"}
        return f"{number(amount)} {unit_name(units[factor])}"
    if setting.kind == "number":
        return f"{number(value)} {unit_name(setting.unit)}".strip()
    if setting.kind in ("select", "checkboxes"):
        return "、".join(option_name(v) for v in value) if isinstance(value, list | tuple) else option_name(value)
    if setting.kind == "text_pair":
        return _text(value)
    if setting.kind == "hours":
        return "; ".join(f"{gettext(WEEKDAY_NAMES[day])} " + (", ".join(spans) if spans else gettext("closed"))
                         for day, spans in value.items() if day in WEEKDAY_NAMES)
    if setting.kind == "rows":
        return " | ".join(_row(item) for item in value) if value else gettext("none")
    if setting.kind == "dates":
        return ", ".join(str(v) for v in value) if value else gettext("none")
    return str(value) if value != "" else gettext("(empty)")


def _text(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    return " / ".join(part for part in (value.get("zh", ""), value.get("en", "")) if part) or gettext("(empty)")


def _row(item: Any) -> str:
    if isinstance(item, dict) and "title" in item:
        return f"{_text(item['title'])} ({item.get('key', '')})"
    return _text(item)


def range_hint(setting: SettingField) -> str:
    """"From 15 to 3600 seconds." (durations in seconds whatever unit the form shows)."""
    low, high = number(setting.minimum), number(setting.maximum)
    if setting.unit:
        return gettext("From %(low)s to %(high)s %(unit)s.") % {"low": low, "high": high, "unit": unit_name(setting.unit)}
    return gettext("From %(low)s to %(high)s.") % {"low": low, "high": high}


def source_name(source: str, target: str) -> str:
    name = gettext(SOURCE_NAMES.get(source, source))
    return f"{name} {target}" if source == "group" and target else name


# pydantic error type -> what the console says; the placeholders are the error's limits (its ctx).
_BY_KIND = {
    "less_than_equal": N_("At most %(le)s%(unit)s."),
    "less_than": N_("Less than %(lt)s%(unit)s."),
    "greater_than_equal": N_("At least %(ge)s%(unit)s."),
    "greater_than": N_("More than %(gt)s%(unit)s."),
    "string_too_long": N_("At most %(max_length)s characters."),
    "string_too_short": N_("At least %(min_length)s characters."),
    "too_long": N_("At most %(max_length)s items."),
    "too_short": N_("At least %(min_length)s items."),
    "missing": N_("Required: no layer below sets it."),
    "int_parsing": N_("A whole number, please."),
    "int_from_float": N_("A whole number, please."),
    "float_parsing": N_("A number, please."),
    "bool_parsing": N_("On or off, please."),
    "string_pattern_mismatch": N_("Not in the expected form (see the help above)."),
    "literal_error": N_("Not one of the choices."),
    "date_from_datetime_parsing": N_("A date like 2026-10-01, please."),
    "date_parsing": N_("A date like 2026-10-01, please."),
    "datetime_from_date_parsing": N_("A date and time like 2026-10-01T18:00, please."),
    "datetime_parsing": N_("A date and time like 2026-10-01T18:00, please."),
    "extra_forbidden": N_("Not a setting this kiosk knows."),
}
# Our own validators' messages (common/settings.py), by how they start, and the field they are about.
_BY_MESSAGE = (
    ("default_language", N_("The starting language must be one of the languages offered."),
     "display.default_language"),
    ("max_cooldown_seconds is shorter", N_("Must not be shorter than the wait before trying again."),
     "checkin.link.max_cooldown_seconds"),
    ("must be empty or an https:// URL containing {code}",
     N_("Empty, or an https:// address that contains {code}."), None),
    ("must be empty or an http(s)://", N_("Empty, or an http(s):// address without a query."), None),
    ("category keys must be unique", N_("Two categories have the same key."), None),
)
_SPAN_MESSAGE = N_("%(span)s is not a time span like 08:30-17:30.")


def problem_words(key: str, kind: str, message: str, limits: dict, unit: str = "") -> tuple[str, Said]:
    """(the field it is about, the problem in the console's words) for one error of the layer check."""
    if kind in _BY_KIND:
        shown = {name: number(value) if isinstance(value, float) else value for name, value in limits.items()}
        return key, said(_BY_KIND[kind], unit=_UnitAfter(unit), **shown)
    for start, msgid, field_key in _BY_MESSAGE:
        if message.startswith(start):
            return field_key or key, said(msgid)
    if " is not a span like " in message:
        return key, said(_SPAN_MESSAGE, span=message.partition(" is not a span like ")[0])
    return key, said(N_("Refused: %(reason)s"), reason=message)
