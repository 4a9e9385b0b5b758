"""The service catalogue as CSV, one row per service, for editing in a spreadsheet.

A text shown to people becomes two columns (``name_zh``, ``name_en``); nested fields (materials, steps,
fee, office, audience, life_events, aliases, keywords) are JSON text in their own column; numbers and plain
strings are as they are. Departments and life events are not in the CSV: an import keeps those of the
catalogue it replaces. Every error names the row, numbered as a spreadsheet shows it (the header is
row 1), and the column.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from common.catalogue import Service, Text, parse_catalogue

HEADER_ROW = 1


def _is_text(annotation) -> bool:
    return annotation is Text or Text in get_args(annotation)


# Field name -> how it is written: "text" (two columns), "json" (one column of JSON) or "plain".
_FIELD_FORMS = {
    name: "text" if _is_text(field.annotation) else "plain" if field.annotation in (str, int, float) else "json"
    for name, field in Service.model_fields.items()
}
COLUMNS = tuple(
    column
    for name, form in _FIELD_FORMS.items()
    for column in ((f"{name}_zh", f"{name}_en") if form == "text" else (name,))
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class CatalogueCsvError(ValueError):
    """A CSV that cannot become a catalogue; ``errors`` lists every bad cell by row and column."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        lines = [f"catalogue CSV rejected ({len(errors)} error(s))"]
        lines += [f"  row {e.row}, column {e.column}: {e.message}" for e in errors]
        super().__init__("\n".join(lines))


def catalogue_to_csv(catalogue: dict) -> str:
    """The services of a catalogue document (already valid) as CSV text, header first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for service in catalogue["services"]:
        writer.writerow(_service_to_row(service))
    return out.getvalue()


def catalogue_from_csv(text: str, base: dict, version: str) -> dict:
    """A catalogue document from CSV text: the rows' services, ``base``'s departments and life events.

    Raises ``CatalogueCsvError`` naming every bad row and column; the result passes ``parse_catalogue``.
    """
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    errors = _header_errors(reader.fieldnames or [])
    if errors:
        raise CatalogueCsvError(errors)
    departments = {d["id"] for d in base["departments"]}
    events = {e["id"] for e in base.get("life_events", [])}
    services: list[dict] = []
    codes: dict[str, int] = {}
    for row_number, row in enumerate(reader, start=HEADER_ROW + 1):
        if None in row:
            errors.append(RowError(row_number, "(row)", "more cells than columns"))
            continue
        if not any((cell or "").strip() for cell in row.values()):
            continue  # a blank line a spreadsheet left behind
        service, row_errors = _service_from_row(row, row_number)
        row_errors += _reference_errors(service, row_number, departments, events, codes)
        errors += row_errors
        services.append(service)
    if not services and not errors:
        errors.append(RowError(HEADER_ROW, "(file)", "no services"))
    if errors:
        raise CatalogueCsvError(errors)
    document = {
        "version": version,
        "departments": base["departments"],
        "life_events": base.get("life_events", []),
        "services": services,
    }
    parse_catalogue(document, "catalogue CSV")
    return document


# Columns added after files were first exported: a file without them imports with the field empty.
OPTIONAL_COLUMNS = frozenset({"aliases"})


def _header_errors(header: Sequence[str]) -> list[RowError]:
    errors = [RowError(HEADER_ROW, column, "unknown column") for column in header if column not in COLUMNS]
    errors += [
        RowError(HEADER_ROW, column, "missing column")
        for column in COLUMNS
        if column not in header and column not in OPTIONAL_COLUMNS
    ]
    return errors


def _service_to_row(service: dict) -> dict[str, str]:
    row: dict[str, str] = {}
    for name, form in _FIELD_FORMS.items():
        value = service.get(name)
        if form == "text":
            row[f"{name}_zh"] = value["zh"] if value else ""
            row[f"{name}_en"] = value["en"] if value else ""
        elif form == "json":
            row[name] = "" if value is None else json.dumps(value, ensure_ascii=False)
        else:
            row[name] = "" if value is None else str(value)
    return row


def _service_from_row(row: dict[str, str], row_number: int) -> tuple[dict, list[RowError]]:
    """The service dict a row describes (an empty cell leaves its field out), and the row's errors."""
    cells = {column: (row.get(column) or "").strip() for column in COLUMNS}
    service: dict = {}
    errors: list[RowError] = []
    for name, form in _FIELD_FORMS.items():
        if form == "text":
            zh, en = cells[f"{name}_zh"], cells[f"{name}_en"]
            if zh or en:
                service[name] = {"zh": zh, "en": en}
        elif cells[name] and form == "json":
            try:
                service[name] = json.loads(cells[name])
            except json.JSONDecodeError as exc:
                errors.append(RowError(row_number, name, f"not valid JSON: {exc.msg} (character {exc.pos + 1})"))
        elif cells[name]:
            service[name] = cells[name]
    if not errors:
        try:
            validated = Service.model_validate(service)
        except ValidationError as exc:
            errors += [_row_error(row_number, error) for error in exc.errors(include_url=False)]
        else:  # numbers as numbers, not the cells' strings
            service.update({name: getattr(validated, name) for name, form in _FIELD_FORMS.items()
                            if form == "plain" and name in service})
    return service, errors


def _row_error(row_number: int, error: ErrorDetails) -> RowError:
    loc = [str(part) for part in error["loc"]]
    message = error["msg"].removeprefix("Value error, ")
    if not loc:
        return RowError(row_number, "(row)", message)
    name, rest = loc[0], loc[1:]
    if _FIELD_FORMS.get(name) == "text":
        column = f"{name}_{rest[0]}" if rest else f"{name}_zh/{name}_en"
        return RowError(row_number, column, message)
    return RowError(row_number, name, f"{'.'.join(rest)}: {message}" if rest else message)


def _reference_errors(service: dict, row_number: int, departments: set[str], events: set[str],
                      codes: dict[str, int]) -> list[RowError]:
    errors = []
    code = service.get("code")
    if code in codes:
        errors.append(RowError(row_number, "code", f"duplicate code {code!r} (first in row {codes[code]})"))
    elif code:
        codes[code] = row_number
    department = service.get("department")
    if department and department not in departments:
        errors.append(RowError(row_number, "department", f"unknown department {department!r}"))
    service_events = service.get("life_events")
    if isinstance(service_events, list):
        for event in service_events:
            if isinstance(event, str) and event not in events:
                errors.append(RowError(row_number, "life_events", f"unknown life event {event!r}"))
    return errors
