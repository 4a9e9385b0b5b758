"""What administrators send and read about releases and rollouts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from common.wire import MAX_ID


class ReleaseSummary(BaseModel):
    version: str
    notes: str
    filename: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class RolloutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: Literal["all", "group", "terminal"]
    target: str = Field(default="", max_length=60)  # the group's name or the terminal's id
    canary_terminal_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    canary_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)


class TerminalRolloutState(BaseModel):
    terminal_id: int
    name: str
    app_version: str | None
    state: str
    detail: str


class RolloutStatus(BaseModel):
    id: int
    version: str
    scope: str
    target: str
    canary_terminal_id: int
    canary_minutes: int
    status: str
    halted_reason: str | None
    terminals: list[TerminalRolloutState]
