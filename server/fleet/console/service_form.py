"""The catalogue's service form: form fields to a service dict, and validation errors back to those fields.

Field names are the service's own paths (``name.zh``, ``materials.0.copies``), so a pydantic error location
``services[i].materials.0.copies`` names its input directly.
"""

from __future__ import annotations

import re
from typing import Literal, overload

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from server.web.i18n import N_

TEXTS = ("name", "category", "conditions", "hours", "notes", "fee.description", "fee.basis", "office.window",
         "office.address")
OPTIONAL_TEXTS = ("notes", "fee.basis")
INTEGERS = ("legal_time_limit_days", "promised_time_limit_days", "visits_required", "popularity")
STRINGS = ("code", "department", "office.floor", "office.room", "phone", "complaint_phone", "online_url")
LISTS = ("audience", "life_events", "aliases", "keywords")
_REFERENCE = re.compile(r"^service (\S+): field (\w+): (.*)$")
# Pydantic's wording names regular expressions and types; administrators get these instead.
PLAIN_MESSAGES = {
    "missing": N_("This is required."),
    "string_too_short": N_("This is required."),
    "too_short": N_("Give at least one."),
    "string_pattern_mismatch": N_("This is not in the expected form; see the hint."),
    "int_parsing": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("The smallest allowed is {ge}."),
    "less_than_equal": N_("The largest allowed is {le}."),
    "string_too_long": N_("At most {max_length} characters."),
}
CHECK_MESSAGES = {
    "promised_time_limit_days exceeds": N_("The promised time limit cannot be longer than the legal one."),
    "at least one original or one copy": N_("A material needs at least one original or one copy."),
}


def _number(raw: str, blank=""):
    """An int or float when the text is one; otherwise the text itself, so validation names the field."""
    text = raw.strip()
    if not text:
        return blank
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


@overload
def _text(form, key: str, optional: Literal[False] = False) -> dict[str, str]: ...
@overload
def _text(form, key: str, optional: bool) -> dict[str, str] | None: ...
def _text(form, key: str, optional: bool = False) -> dict[str, str] | None:
    zh, en = form.get(f"{key}.zh", "").strip(), form.get(f"{key}.en", "").strip()
    return None if optional and not (zh or en) else {"zh": zh, "en": en}


def _put(target: dict, key: str, value) -> None:
    *parents, leaf = key.split(".")
    for parent in parents:
        target = target.setdefault(parent, {})
    if value is not None:
        target[leaf] = value


def _rows(form, group: str) -> list[int]:
    indexes = {int(m.group(1)) for name in form if (m := re.match(rf"^{group}\.(\d+)\.", name))}
    return sorted(indexes)


def _materials(form) -> list[dict]:
    materials = []
    for i in _rows(form, "materials"):
        key = f"materials.{i}"
        typed = [form.get(f"{key}.{f}", "").strip() for f in ("name.zh", "name.en", "originals", "copies",
                                                               "note.zh", "note.en")]
        if not any(typed):
            continue  # a blank row is no material: leaving a row empty deletes it
        material = {"name": _text(form, f"{key}.name"), "originals": _number(form.get(f"{key}.originals", ""), 0),
                    "copies": _number(form.get(f"{key}.copies", ""), 0),
                    "required": form.get(f"{key}.required") is not None}
        _put(material, "note", _text(form, f"{key}.note", optional=True))
        materials.append(material)
    return materials


def _steps(form) -> list[dict]:
    steps = []
    for i in _rows(form, "steps"):
        title, detail = _text(form, f"steps.{i}.title"), _text(form, f"steps.{i}.detail")
        if any(title.values()) or any(detail.values()):
            steps.append({"title": title, "detail": detail})
    return steps


def service_from_form(form) -> dict:
    """The service the form describes; values that do not parse stay as typed for validation to refuse."""
    service: dict = {}
    for key in STRINGS:
        _put(service, key, form.get(key, "").strip())
    for key in TEXTS:
        _put(service, key, _text(form, key, optional=key in OPTIONAL_TEXTS))
    for key in INTEGERS:
        _put(service, key, _number(form.get(key, "")))
    _put(service, "fee.amount_yuan", _number(form.get("fee.amount_yuan", "")))
    service["audience"] = form.getlist("audience")
    service["life_events"] = form.getlist("life_events")
    for key in ("aliases", "keywords"):
        service[key] = [line.strip() for line in form.get(key, "").splitlines() if line.strip()]
    service["materials"] = _materials(form)
    service["steps"] = _steps(form)
    return service


def keep_order(edited: dict, previous: dict | None) -> dict:
    """``edited`` with its ticked choices in the order the service had them, new ones after: an untouched
    service saves unchanged."""
    if previous is None:
        return edited
    ordered = {}
    for key in ("audience", "life_events"):
        before = [v for v in previous.get(key, ()) if v in edited[key]]
        ordered[key] = before + [v for v in edited[key] if v not in before]
    return {**edited, **ordered}


def field_errors(exc: ValidationError, position: int, code: str, gettext) -> tuple[dict[str, str], list[str]]:
    """Errors of the service at ``position`` keyed by form field (in plain words), and the rest as whole lines."""
    by_field: dict[str, str] = {}
    others: list[str] = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        key = _field_of(loc, message, position, code)
        if key is None:
            where = ".".join(str(part) for part in loc)
            others.append(f"{where}: {message}" if where else message)
        else:
            by_field.setdefault(key, _plain(error, message, gettext))
    return by_field, others


def _plain(error: ErrorDetails, message: str, gettext) -> str:
    check = next((text for fragment, text in CHECK_MESSAGES.items() if fragment in message), None)
    if check is not None:
        return gettext(check)
    plain = PLAIN_MESSAGES.get(error["type"])
    return gettext(plain).format(**error.get("ctx", {})) if plain else message


def _field_of(loc: list, message: str, position: int, code: str) -> str | None:
    if loc[:2] == ["services", position]:
        path = [str(part) for part in loc[2:]]
        if not path:  # the service's own checks: the only one compares the two time limits
            return "promised_time_limit_days" if "promised_time_limit_days" in message else ""
        return path[0] if path[0] in LISTS else ".".join(path)
    reference = _REFERENCE.match(message) if not loc else None
    if reference and reference.group(1) == code:
        return reference.group(2)
    return None
