"""The configuration form, generated from common.settings.KioskSettings: one input per setting by its type,
and the submitted form read back into a settings layer (values that cannot even be read become field errors)."""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from starlette.datastructures import FormData

from common.catalogue import Text
from common.settings import KioskSettings

# Set from the terminal's own record on every terminal, so not offered in the form.
_NOT_IN_FORM = {"terminal.name", "terminal.location"}


@dataclass
class SettingField:
    key: str  # dotted: "idle.timeout_seconds"
    kind: str  # checkbox | number | select | text | text_pair | lines | json
    options: tuple = ()
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    step: str = "1"
    errors: list[str] = field(default_factory=list)
    # What was submitted when it could not be read, shown again for correcting.
    typed: str | None = None


def settings_fields(model: type[BaseModel] = KioskSettings, prefix: str = "") -> list[SettingField]:
    fields = []
    for name, info in model.model_fields.items():
        key = prefix + name
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation is not Text:
            fields += settings_fields(annotation, key + ".")
        elif key not in _NOT_IN_FORM:
            fields.append(_field(key, annotation, info.metadata))
    return fields


def _field(key: str, annotation: Any, metadata: list) -> SettingField:
    optional = False
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        optional = True
        annotation = next(arg for arg in args if arg is not type(None))
    origin = typing.get_origin(annotation)
    if annotation is bool:
        return SettingField(key, "checkbox")
    if annotation in (int, float):
        bounds = {type(m): m for m in metadata}
        return SettingField(key, "number", optional=optional,
                            minimum=getattr(bounds.get(annotated_types.Ge), "ge", None),
                            maximum=getattr(bounds.get(annotated_types.Le), "le", None),
                            step="1" if annotation is int else "any")
    if origin is Literal:
        return SettingField(key, "select", options=typing.get_args(annotation), optional=optional)
    if annotation is Text:
        return SettingField(key, "text_pair", optional=optional)
    if origin is tuple and _is_scalar(typing.get_args(annotation)[0]):
        return SettingField(key, "lines")
    if annotation is str or _is_scalar(annotation):
        return SettingField(key, "text", optional=optional)
    return SettingField(key, "json")


def _is_scalar(annotation: Any) -> bool:
    """Written as one line of text: strings, dates, literals."""
    return annotation in (str, typing.Any) or typing.get_origin(annotation) is Literal or (
        isinstance(annotation, type) and not issubclass(annotation, BaseModel) and annotation not in (dict, tuple))


def display(setting: SettingField, value: Any) -> Any:
    """``value`` (from a settings document) as the form shows it."""
    if value is None:
        return {"zh": "", "en": ""} if setting.kind == "text_pair" else ""
    if setting.kind == "lines":
        return "\n".join(str(item) for item in value)
    if setting.kind == "json":
        return json.dumps(value, ensure_ascii=False, indent=2)
    return value


def read_form(fields: list[SettingField], form: FormData) -> dict[str, Any]:
    """The submitted values of the fields ticked "set here", by dotted key; unreadable ones get ``errors``."""
    values = {}
    for setting in fields:
        if form.get(f"set:{setting.key}") != "on":
            continue
        name = f"value:{setting.key}"
        raw = str(form.get(name, ""))
        try:
            values[setting.key] = _parse(setting, raw, form, name)
        except ValueError as exc:
            setting.errors.append(str(exc))
            setting.typed = raw
    return values


def _parse(setting: SettingField, raw: str, form: FormData, name: str) -> Any:
    if setting.kind == "checkbox":
        return form.get(name) == "on"
    if setting.kind == "text_pair":
        return {"zh": str(form.get(f"{name}.zh", "")), "en": str(form.get(f"{name}.en", ""))}
    if setting.kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if setting.optional and raw == "":
        return None
    if setting.kind == "number":
        try:
            return int(raw) if setting.step == "1" else float(raw)
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
    if setting.kind == "json":
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc}") from None
    return raw


def flatten(document: dict, prefix: str = "") -> dict[str, Any]:
    """Leaves by dotted key; a Text ({zh, en}) counts as one leaf."""
    leaves = {}
    for key, value in document.items():
        dotted = prefix + key
        if isinstance(value, dict) and value and set(value) - {"zh", "en"}:
            leaves.update(flatten(value, dotted + "."))
        else:
            leaves[dotted] = value
    return leaves


def nest(leaves: dict[str, Any]) -> dict:
    document: dict = {}
    for dotted, value in leaves.items():
        *path, last = dotted.split(".")
        node = document
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return document


def attach_errors(fields: list[SettingField], errors: list[tuple[str, str]]) -> list[str]:
    """Each (dotted field, message) on the form field it names (or the nearest one above); the rest returned."""
    by_key = {setting.key: setting for setting in fields}
    unplaced = []
    for dotted, message in errors:
        parts = dotted.split(".")
        target = next((by_key[".".join(parts[:n])] for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in by_key),
                      None)
        if target is None:
            unplaced.append(f"{dotted}: {message}")
        else:
            target.errors.append(message)
    return unplaced
