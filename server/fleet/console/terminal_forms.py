"""The enrol, approve, reject and re-issue forms of the terminals page: what was typed, checked against the admin
API's own bodies, and each refusal as a message for the field it concerns (shown beside that field)."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from server.web.i18n import N_

# One message per field, whatever the rule it broke: the field's limits are all in the message.
_MESSAGES = {
    "name": N_("Enter a name of at most 60 characters."),
    "location": N_("Enter a location of at most 120 characters."),
    "group": N_("A group name has at most 60 characters, without slashes, backslashes, question marks, hash or "
                "percent signs."),
    "reason": N_("Say why, in at most 200 characters."),
    "terminal": N_("Choose the terminal whose reply was lost."),
}


Body = TypeVar("Body", bound=BaseModel)


class FormRefused(Exception):
    """A form that cannot be taken as typed: ``errors`` maps each field to its message (an msgid)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(errors))
        self.errors = errors


def field_errors(exc: ValidationError) -> dict[str, str]:
    fields = {str(error["loc"][0]) for error in exc.errors(include_url=False) if error["loc"]}
    return {field: _MESSAGES[field] for field in fields if field in _MESSAGES}


def checked(model: type[Body], **typed: object) -> Body:
    """The form's fields as the API body ``model``; ``FormRefused`` with a message per wrong field."""
    try:
        return model.model_validate(typed)
    except ValidationError as exc:
        raise FormRefused(field_errors(exc)) from None


def terminal_fields(name: str, location: str, group: str) -> dict[str, str | None]:
    """What the enrol and approve forms typed, trimmed; an empty group is none."""
    return {"name": name.strip(), "location": location.strip(), "group": group.strip() or None}


def missing(field: str) -> FormRefused:
    return FormRefused({field: _MESSAGES[field]})
