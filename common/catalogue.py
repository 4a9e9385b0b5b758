"""The government-service catalogue: typed model, loading and validation.

A catalogue file is JSON with ``version``, ``departments``, ``life_events`` and
``services``. Every text shown to people is a ``Text`` with a Chinese and an
English form. Loading a bad file raises ``CatalogueError`` naming the file, the
item (by code or index) and the field, so whoever edited it can fix it at once.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Audience = Literal["individual", "company"]
CODE_PATTERN = r"^[A-Z]{2,4}-\d{3,4}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A string shown to people, in both interface languages."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en


class Department(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    # Where the department's windows are, when all its services share them.
    office: Text | None = None


class LifeEvent(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    audience: Audience


class Material(_Strict):
    name: Text
    originals: int = Field(ge=0, le=20)
    copies: int = Field(ge=0, le=20)
    required: bool = True
    note: Text | None = None

    @model_validator(mode="after")
    def _needs_a_sheet(self) -> Material:
        if self.originals == 0 and self.copies == 0:
            raise ValueError("a material needs at least one original or one copy")
        return self


class Step(_Strict):
    title: Text
    detail: Text


class Fee(_Strict):
    # 0 means free of charge (不收费); ``basis`` names the regulation that sets the fee.
    amount_yuan: float = Field(ge=0)
    description: Text
    basis: Text | None = None


class Office(_Strict):
    window: Text
    floor: str = Field(min_length=1, max_length=8)
    room: str = Field(min_length=1, max_length=16)
    address: Text


class Service(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    name: Text
    department: str
    category: Text
    audience: tuple[Audience, ...] = Field(min_length=1)
    life_events: tuple[str, ...] = ()
    conditions: Text
    materials: tuple[Material, ...] = Field(min_length=1)
    steps: tuple[Step, ...] = Field(min_length=1)
    # Working days; 0 for the promised limit means 当场办结 (done on the spot).
    legal_time_limit_days: int = Field(ge=0, le=365)
    promised_time_limit_days: int = Field(ge=0, le=365)
    fee: Fee
    office: Office
    hours: Text
    phone: str = Field(pattern=r"^[0-9\-]{7,20}$")
    complaint_phone: str = Field(pattern=r"^[0-9\-]{5,20}$")
    online_url: str = Field(pattern=r"^https://\S+$")
    visits_required: int = Field(ge=0, le=5)
    notes: Text | None = None
    # How visitors say what they need when they do not know the procedure's name: the life situation
    # (领低保, 辞职了, 开网店, "get married"). The search weighs them above keywords, below the name.
    aliases: tuple[str, ...] = ()
    # Synonyms and colloquial names, in any language: 社保卡 for 社会保障卡, "SSC"...
    keywords: tuple[str, ...] = ()
    # Relative demand, used to rank equal matches and to pick "popular services".
    popularity: int = Field(ge=0, le=100_000)

    @model_validator(mode="after")
    def _promise_within_law(self) -> Service:
        if self.promised_time_limit_days > self.legal_time_limit_days:
            raise ValueError("promised_time_limit_days exceeds legal_time_limit_days")
        return self


class Catalogue(_Strict):
    version: str = Field(min_length=1, max_length=64)
    departments: tuple[Department, ...] = Field(min_length=1)
    life_events: tuple[LifeEvent, ...] = ()
    services: tuple[Service, ...] = Field(min_length=1)

    @field_validator("departments", "life_events", "services")
    @classmethod
    def _unique_keys(cls, items: tuple, info) -> tuple:
        key = "code" if info.field_name == "services" else "id"
        seen: set[str] = set()
        for index, item in enumerate(items):
            value = getattr(item, key)
            if value in seen:
                raise ValueError(f"item {index}: duplicate {key} {value!r}")
            seen.add(value)
        return items

    @model_validator(mode="after")
    def _references_resolve(self) -> Catalogue:
        departments = {d.id for d in self.departments}
        events = {e.id for e in self.life_events}
        for service in self.services:
            if service.department not in departments:
                raise _ReferenceError(service.code, "department", f"unknown department {service.department!r}")
            for event in service.life_events:
                if event not in events:
                    raise _ReferenceError(service.code, "life_events", f"unknown life event {event!r}")
        return self

    # Lookups used by the screens and the search engine; the tuples stay the source of truth.
    def service(self, code: str) -> Service | None:
        return self._by_code.get(code)

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == department_id), None)

    def life_event(self, event_id: str) -> LifeEvent | None:
        return next((e for e in self.life_events if e.id == event_id), None)

    def in_department(self, department_id: str) -> list[Service]:
        return _by_popularity(s for s in self.services if s.department == department_id)

    def in_life_event(self, event_id: str) -> list[Service]:
        return _by_popularity(s for s in self.services if event_id in s.life_events)

    def popular(self, count: int) -> list[Service]:
        return _by_popularity(self.services)[:count]

    @cached_property
    def _by_code(self) -> dict[str, Service]:
        return {s.code: s for s in self.services}


def _by_popularity(services) -> list[Service]:
    return sorted(services, key=lambda s: (-s.popularity, s.code))


class _ReferenceError(ValueError):
    def __init__(self, code: str, field: str, message: str):
        super().__init__(f"service {code}: field {field}: {message}")


class CatalogueError(ValueError):
    """A catalogue that cannot be used; the message names file, item and field."""


def parse_catalogue(data: object, source: str) -> Catalogue:
    """Validate already-decoded JSON; ``source`` names where it came from in errors."""
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError(_describe(exc, data, source)) from None


def load_catalogue(path: Path) -> Catalogue:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"{path}: file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{path}: not valid UTF-8 JSON: {exc}") from None
    return parse_catalogue(data, str(path))


def _describe(exc: ValidationError, data: object, source: str) -> str:
    lines = [f"{source}: invalid catalogue ({exc.error_count()} error(s))"]
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        where = _item_label(loc, data)
        field = ".".join(str(part) for part in loc) or "(root)"
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"  {where}field {field}: {message}")
    return "\n".join(lines)


def _item_label(loc: list, data: object) -> str:
    """'service SB-001 (services[3]): ' for errors inside a list item, so the item is named."""
    if len(loc) >= 2 and loc[0] in ("services", "departments", "life_events") and isinstance(loc[1], int):
        kind, index = loc[0], loc[1]
        try:
            item = data[kind][index]  # type: ignore[index]
            key = item.get("code") if kind == "services" else item.get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            key = None
        label = {"services": "service", "departments": "department", "life_events": "life event"}[kind]
        return f"{label} {key} ({kind}[{index}]): " if key else f"{label} {kind}[{index}]: "
    return ""
