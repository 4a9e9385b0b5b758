"""The fleet administration's bodies and answers (terminals, pairings, configuration layers, catalogue, commands,
records): only staff and the console use them, so they live here, beside the shared wire models of
common/wire.py that kiosks and the server both import."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from common.wire import PAIRING_REASON_MAX, Command, CommandKind, Heartbeat, RecordKind, WireModel


class PendingPairing(WireModel):
    code: str
    created_at: datetime
    expires_at: datetime
    app_version: str


class StoredHeartbeat(Heartbeat):
    received_at: datetime


class EffectiveSettings(WireModel):
    settings: dict[str, Any]
    # Dotted key -> the layer that set it: builtin | defaults | group | terminal.
    sources: dict[str, str]
    version: int
    etag: str


class AuditRecord(WireModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


class CsvRowError(WireModel):
    row: int
    column: str
    message: str


class CatalogueRejected(WireModel):
    """422 body for a catalogue that cannot be imported; ``errors`` only for CSV (row and column)."""

    detail: str
    errors: list[CsvRowError] = []


# A group's name is part of its configuration page's address: no slash, backslash, ?, # or %, no control
# characters, and not starting with a space.
GROUP_NAME_PATTERN = r"^[^\s\x00-\x1f\x7f/\\?#%][^\x00-\x1f\x7f/\\?#%]{0,59}$"


class TerminalCreate(WireModel):
    name: str = Field(min_length=1, max_length=60)
    location: str = Field(min_length=1, max_length=120)
    group: str | None = Field(default=None, max_length=60, pattern=GROUP_NAME_PATTERN)


class GroupCreate(WireModel):
    group: str = Field(max_length=60, pattern=GROUP_NAME_PATTERN)


class EnrolmentCode(WireModel):
    terminal_id: int
    code: str
    expires_at: datetime


class PairingApprove(TerminalCreate):
    """Approving a pairing names the terminal as enrolling one does: the same fields and limits."""


class PairingReject(WireModel):
    """Refusing a pairing says why: the kiosk shows the reason to whoever stands in front of it."""

    reason: str = Field(min_length=1, max_length=PAIRING_REASON_MAX, pattern=r"^\s*\S[\s\S]*$")


class TerminalStatus(WireModel):
    id: int
    name: str
    location: str
    group: str | None
    online: bool
    revoked: bool
    enrolled: bool
    last_seen_at: datetime | None
    offline_since: datetime | None
    app_version: str | None
    last_sync_at: datetime | None
    outbox_depth: int | None
    parked_count: int | None
    free_disk_bytes: int | None
    peripherals: dict[str, str]
    current_screen: str | None
    config_version_applied: int | None
    config_version_current: int
    config_error: str | None
    in_service: bool | None


class Outage(WireModel):
    went_down_at: datetime
    came_back_at: datetime | None


class TerminalEventOut(WireModel):
    kind: Literal["app_started", "app_restarted", "network_lost", "network_back", "update_applied"]
    occurred_at: datetime
    detail: str


class OfflinePeriod(WireModel):
    period: str  # "2026-12-04" (a local day) or "2026-12" (a month)
    offline_seconds: float
    span_seconds: float  # the part of the period that has passed since the terminal was enrolled


class OfflineReport(WireModel):
    timezone: str
    days: list[OfflinePeriod]  # newest first
    months: list[OfflinePeriod]


ConfigScope = Literal["defaults", "group", "terminal"]


class ConfigLayerUpdate(WireModel):
    """A partial settings document for one layer; ``None`` at a key removes it from the layer."""

    settings: dict[str, Any]
    comment: str = Field(default="", max_length=500)


class ConfigLayerVersion(WireModel):
    version: int
    scope: ConfigScope
    target: str | None
    settings: dict[str, Any]
    author: str
    comment: str
    created_at: datetime


class FieldError(WireModel):
    field: str
    message: str
    # pydantic's error type (less_than_equal, missing…) and the limits the message names: for saying it in words.
    kind: str = ""
    limits: dict[str, str | int | float] = {}


class ConfigRejected(WireModel):
    """422 body when a layer would make some terminal's settings invalid."""

    detail: str
    errors: list[FieldError]


class CatalogueInfo(WireModel):
    version: str
    etag: str
    service_count: int
    imported_at: datetime
    imported_by: str


class StoredRecord(WireModel):
    id: str
    terminal_id: int
    kind: RecordKind
    created_at: datetime
    received_at: datetime
    payload: dict[str, Any]


class CommandRequest(WireModel):
    """An administrator queues a command; it waits for the terminal's next poll until ``ttl_seconds``."""

    kind: CommandKind
    args: dict[str, Any] = Field(default_factory=dict)
    ttl_seconds: int = Field(default=900, ge=10, le=86_400)


class CommandStatus(Command):
    status: Literal["pending", "delivered", "done", "failed", "expired"]
    delivered_at: datetime | None = None
    finished_at: datetime | None = None
    result: str | None = None
    has_screenshot: bool = False
