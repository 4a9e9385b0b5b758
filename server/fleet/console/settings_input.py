"""The submitted configuration form read back into layer values, control by control. A setting counts only when
its "set here" choice is on; what cannot even be read becomes a field error (in words) and is shown again as typed.
The maintenance PIN is typed twice, hashed here and never sent back; left empty, the layer keeps its hash."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData

from common.pin import hash_pin
from common.settings import WEEKDAYS
from server.fleet.console.settings_form import SettingField
from server.fleet.console.settings_words import Said, said
from server.web.i18n import N_

SPANS_PER_DAY = 3
PIN_DIGITS = (4, 12)
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Unreadable(ValueError):
    def __init__(self, message: Said, typed: Any = None) -> None:
        super().__init__(message.msgid)
        self.message = message
        self.typed = typed


def read_form(fields: list[SettingField], form: FormData, current: dict[str, Any]) -> dict[str, Any]:
    """The values of the fields set here, by dotted key; unreadable ones get ``errors`` and ``typed``.
    ``current`` holds the layer's values now (the PIN hash kept when no new PIN is typed)."""
    values = {}
    for setting in fields:
        if form.get(f"set:{setting.key}") != "on":
            continue
        try:
            values[setting.key] = _READERS[setting.kind](setting, form, f"value:{setting.key}", current)
        except Unreadable as exc:
            setting.errors.append(exc.message)
            setting.typed = exc.typed
    return values


def _switch(setting: SettingField, form: FormData, name: str, current: dict) -> bool:
    return form.get(name) == "on"


def _number(setting: SettingField, form: FormData, name: str, current: dict) -> float | int | None:
    raw = str(form.get(name, "")).strip()
    offered = {str(factor): factor for factor, _ in setting.units} if setting.kind == "duration" else {}
    factor = offered.get(str(form.get(f"unit:{setting.key}", "1")), 1)
    if raw == "" and setting.optional:
        return None
    typed: Any = {"amount": raw, "factor": factor} if setting.kind == "duration" else raw
    try:
        value = float(raw.replace(",", ".")) * factor
    except ValueError:
        raise Unreadable(said(N_("“%(typed)s” is not a number."), typed=raw), typed) from None
    if setting.integer:
        if not value.is_integer():
            raise Unreadable(said(N_("A whole number, please.")), typed)
        return int(value)
    return value


def _text(setting: SettingField, form: FormData, name: str, current: dict) -> str | None:
    raw = str(form.get(name, "")).strip()
    return None if raw == "" and setting.optional else raw


def _text_pair(setting: SettingField, form: FormData, name: str, current: dict) -> dict:
    return {"zh": str(form.get(f"{name}.zh", "")).strip(), "en": str(form.get(f"{name}.en", "")).strip()}


def _checkboxes(setting: SettingField, form: FormData, name: str, current: dict) -> list:
    chosen = set(form.getlist(name))
    return [option for option in setting.options if option in chosen]


def _dates(setting: SettingField, form: FormData, name: str, current: dict) -> list[str]:
    return [line.strip() for line in str(form.get(name, "")).replace(",", "\n").splitlines() if line.strip()]


def _pin(setting: SettingField, form: FormData, name: str, current: dict) -> str:
    new, again = (str(form.get(f"pin:{which}", "")).strip() for which in ("new", "again"))
    if not new and not again:
        if current.get(setting.key):
            return current[setting.key]
        raise Unreadable(said(N_("Type a new PIN twice to set it here.")))
    low, high = PIN_DIGITS
    if not (new.isascii() and new.isdigit() and low <= len(new) <= high):
        raise Unreadable(said(N_("A PIN is %(low)s to %(high)s digits."), low=low, high=high))
    if new != again:
        raise Unreadable(said(N_("The two PINs differ.")))
    return hash_pin(new)


def _hours(setting: SettingField, form: FormData, name: str, current: dict) -> dict[str, list[str]]:
    """Each weekday's spans from its time pickers; a day without one is closed, a half-filled span is an error."""
    weekly: dict[str, list[str]] = {}
    typed: dict[str, list[tuple[str, str]]] = {}
    problem = None
    for day in WEEKDAYS:
        weekly[day], typed[day] = [], []
        for index in range(SPANS_PER_DAY):
            start, end = (str(form.get(f"{name}.{day}.{index}.{edge}", "")).strip() for edge in ("from", "to"))
            typed[day].append((start, end))
            if not start and not end:
                continue
            if not (_TIME.match(start) and _TIME.match(end)) or start >= end:
                problem = problem or said(N_("%(from)s–%(to)s is not a time span: a start before an end, like 08:30–12:00."),
                                          **{"from": start or "?", "to": end or "?"})
            weekly[day].append(f"{start}-{end}")
    if problem is not None:
        raise Unreadable(problem, typed)
    return weekly


def _rows(setting: SettingField, form: FormData, name: str, current: dict) -> list:
    """The rows in the order the form sent them (the page's reorder buttons move them); empty rows are dropped."""
    order: list[str] = []
    for key, _ in form.multi_items():
        if key.startswith(name + "."):
            index = key[len(name) + 1:].split(".", 1)[0]
            if index not in order:
                order.append(index)
    rows = []
    for index in order:
        prefix = f"{name}.{index}"
        row: dict[str, Any] = {}
        for column in setting.columns:
            at = f"{prefix}.{column.name}" if column.name else prefix
            if column.kind == "switch":
                row[column.name] = form.get(at) == "on"
            elif column.kind == "text_pair":
                row[column.name] = {"zh": str(form.get(f"{at}.zh", "")).strip(),
                                    "en": str(form.get(f"{at}.en", "")).strip()}
            else:
                row[column.name] = str(form.get(at, "")).strip()
        if any(_filled(value) for value in row.values()):
            rows.append(row.get("", row))
    return rows


def _filled(value: Any) -> bool:
    if isinstance(value, dict):
        return any(value.values())
    return isinstance(value, str) and value != ""


_READERS = {"switch": _switch, "number": _number, "duration": _number, "select": _text, "text": _text,
            "text_pair": _text_pair, "checkboxes": _checkboxes, "dates": _dates, "pin": _pin, "hours": _hours,
            "rows": _rows}
