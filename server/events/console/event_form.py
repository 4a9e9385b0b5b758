"""The console's event editor: form fields to ``EventFields`` (times typed in the event time zone), and every
problem as a plain message keyed by the form field it belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from server.events.schemas import EventFields
from server.fleet.models import Event
from server.web.i18n import N_

TIMES = ("starts_at", "ends_at", "opens_at", "closes_at")
TEXTS = ("title_zh", "title_en", "organiser", "place")
STATUSES = (N_("draft"), N_("published"), N_("cancelled"))
# The status a saved event may move to from each status (publish and cancel are one way).
ALLOWED_STATUS = {None: ("draft", "published"), "draft": STATUSES, "published": ("published", "cancelled"),
                  "cancelled": ("cancelled",)}
_PLAIN = {
    "missing": N_("This is required."),
    "string_too_short": N_("This is required."),
    "string_too_long": N_("At most {max_length} characters."),
    "greater_than_equal": N_("The smallest allowed is {ge}."),
    "less_than_equal": N_("The largest allowed is {le}."),
    "int_parsing": N_("Choose one of the list."),
}
_ORDER = {"ends_at must be after": ("ends_at", N_("The end must be after the start.")),
          "closes_at must be after": ("closes_at", N_("Check-in must close after it opens."))}


@dataclass
class EventForm:
    """What the editor shows: the values as typed, and the errors by field."""

    values: dict
    terminal_ids: set[int]
    group_ids: set[int]
    errors: dict[str, str]


def blank_form() -> EventForm:
    return EventForm(values={"offer": "all", "self_registration": True, "status": "draft"}, terminal_ids=set(),
                     group_ids=set(), errors={})


def form_of(event: Event, terminal_ids: list[int], group_ids: list[int], zone: ZoneInfo) -> EventForm:
    values = {name: getattr(event, name) for name in TEXTS}
    values.update({name: local_input(getattr(event, name), zone) for name in TIMES})
    values.update(capacity="" if event.capacity is None else str(event.capacity), status=event.status,
                  offer="all" if event.all_terminals else "chosen", self_registration=event.self_registration,
                  volunteer_team_id="" if event.volunteer_team_id is None else str(event.volunteer_team_id))
    return EventForm(values, set(terminal_ids), set(group_ids), {})


def local_input(moment: datetime, zone: ZoneInfo) -> str:
    """A datetime-local input's value."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def read_form(form, zone: ZoneInfo, current_status: str | None, gettext) -> tuple[EventForm, EventFields | None]:
    """The typed form, and the event fields when every value is good (else None and the errors filled in)."""
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in (*TEXTS, *TIMES, "capacity")}
    values.update(offer="chosen" if form.get("offer") == "chosen" else "all",
                  self_registration=form.get("self_registration") is not None, status=str(form.get("status", "")),
                  volunteer_team_id=str(form.get("volunteer_team_id", "")).strip())
    parsed = EventForm(values, _ids(form.getlist("terminal_ids")), _ids(form.getlist("group_ids")), {})
    errors = parsed.errors
    data: dict = {name: values[name] for name in TEXTS}
    for name in TIMES:
        data[name] = _moment(values[name], zone, name, errors, gettext)
    data["capacity"] = _capacity(values["capacity"], errors, gettext)
    data["volunteer_team_id"] = values["volunteer_team_id"] or None
    data.update(all_terminals=values["offer"] == "all", self_registration=values["self_registration"],
                terminal_ids=sorted(parsed.terminal_ids) if values["offer"] == "chosen" else [],
                group_ids=sorted(parsed.group_ids) if values["offer"] == "chosen" else [])
    if values["offer"] == "chosen" and not (parsed.terminal_ids or parsed.group_ids):
        errors["offer"] = gettext("Choose at least one terminal or group, or offer it at all terminals.")
    if values["status"] not in ALLOWED_STATUS[current_status]:
        errors["status"] = gettext("From {current} the status can become: {allowed}.").format(
            current=current_status or gettext("new"), allowed=", ".join(ALLOWED_STATUS[current_status]))
    try:
        fields = EventFields.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            field, message = _field_error(error, gettext)
            errors.setdefault(field, message)
        return parsed, None
    return parsed, (None if errors else fields)


def _ids(raw: list) -> set[int]:
    return {int(value) for value in raw if str(value).isdigit()}


def _moment(text: str, zone: ZoneInfo, name: str, errors: dict, gettext) -> datetime | None:
    if not text:
        errors[name] = gettext("This is required.")
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        errors[name] = gettext("Enter a date and time (YYYY-MM-DD HH:MM).")
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _capacity(text: str, errors: dict, gettext) -> int | str | None:
    if not text:
        return None  # no limit
    try:
        return int(text)
    except ValueError:
        errors["capacity"] = gettext("Enter a whole number, or leave it empty for no limit.")
        return None


def _field_error(error: ErrorDetails, gettext) -> tuple[str, str]:
    message = error["msg"].removeprefix("Value error, ")
    if not error["loc"]:
        for fragment, (field, words) in _ORDER.items():
            if fragment in message:
                return field, gettext(words)
        return "", message
    plain = _PLAIN.get(error["type"])
    return str(error["loc"][0]), gettext(plain).format(**error.get("ctx", {})) if plain else message
