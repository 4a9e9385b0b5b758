"""Answers only the administration routes give, beside the shared wire models of common/wire.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.wire import Heartbeat, WireModel


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
