"""The console's alert form: the submitted fields as an ``AlertSettings`` document, and field errors by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from server.alerts.schemas import AlertSettings

# Empty channel rows the form offers after the configured ones.
BLANK_CHANNEL_ROWS = 2
_NUMBERS = (("terminal_offline", "minutes"), ("disk_low", "min_free_mb"), ("memory_low", "min_free_mb"),
            ("backup_stale", "max_age_hours"))


def document_from_form(form: Mapping[str, Any], devices: list[str], previous: AlertSettings) -> dict:
    """The form as the document AlertSettings validates (numbers stay text: the model says what is wrong)."""
    rules: dict[str, dict] = {rule: {"enabled": form.get(f"{rule}.enabled") == "on"}
                              for rule in AlertSettings().rules.model_dump()}
    for rule, key in _NUMBERS:
        rules[rule][key] = form.get(f"{rule}.{key}", "")
    rules["terminal_offline"]["opening_hours_only"] = form.get("terminal_offline.opening_hours_only") == "on"
    rules["peripheral_gone"]["devices"] = devices
    kept_secrets = {(c.kind, c.target): c.secret for c in previous.channels}
    channels = []
    for row in range(len(previous.channels) + BLANK_CHANNEL_ROWS):
        target = str(form.get(f"channel-{row}.target", "")).strip()
        if not target:
            continue  # an empty row, or one cleared to remove the channel
        kind = form.get(f"channel-{row}.kind", "")
        # A signing secret is never shown again: an empty field keeps the one this channel had.
        secret = str(form.get(f"channel-{row}.secret", "")).strip() or kept_secrets.get((kind, target), "")
        channels.append({"kind": kind, "target": target, "language": form.get(f"channel-{row}.language", ""),
                         "secret": secret})
    return {"rules": rules, "channels": channels, "quiet_minutes": form.get("quiet_minutes", ""),
            "quiet_hours": {"enabled": form.get("quiet_hours.enabled") == "on",
                            "start": form.get("quiet_hours.start", ""), "end": form.get("quiet_hours.end", "")}}


def validated(document: dict) -> AlertSettings | dict[str, str]:
    """The settings, or the errors keyed by the form field's name ("terminal_offline.minutes", "channel-0.target")."""
    try:
        return AlertSettings.model_validate(document)
    except ValidationError as exc:
        errors = {}
        for error in exc.errors(include_url=False):
            location = [str(part) for part in error["loc"]]
            if location[0] == "rules":
                location = location[1:]
            elif location[0] == "channels" and len(location) > 1:
                location = [f"channel-{location[1]}", *location[2:]]
            errors[".".join(location[:2])] = error["msg"]
        return errors
