"""The alert configuration: one document (rules, channels, quiet hours), validated here, edited in the console,
stored versioned in ``alert_config``. Every field has the default a centre starts with."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Language = Literal["zh_CN", "en"]
ChannelKind = Literal["email", "wecom", "dingtalk", "feishu"]
RULES = ("terminal_offline", "peripheral_gone", "disk_low", "memory_low", "unhappy_surge", "repair_overdue",
         "backup_stale")
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule(_Part):
    enabled: bool = True


class OfflineRule(Rule):
    minutes: int = Field(default=15, ge=1, le=1440)
    # Only while the terminal's own opening hours (its settings' [hours]) say it should be in use.
    opening_hours_only: bool = True


class PeripheralRule(Rule):
    # A scanner or printer reported absent or in error (a printer out of paper reports an error).
    devices: tuple[Literal["scanner", "printer"], ...] = ("scanner", "printer")


class DiskRule(Rule):
    min_free_mb: int = Field(default=500, ge=1, le=1_000_000)


class MemoryRule(Rule):
    min_free_mb: int = Field(default=200, ge=1, le=1_000_000)


class BackupRule(Rule):
    max_age_hours: int = Field(default=24, ge=1, le=24 * 31)


class Rules(_Part):
    terminal_offline: OfflineRule = OfflineRule()
    peripheral_gone: PeripheralRule = PeripheralRule()
    disk_low: DiskRule = DiskRule()
    memory_low: MemoryRule = MemoryRule()
    # The feedback banner's own thresholds (FEEDBACK_ALERT_* settings) decide a surge.
    unhappy_surge: Rule = Rule()
    repair_overdue: Rule = Rule()
    backup_stale: BackupRule = BackupRule()


class Channel(_Part):
    """Where messages go: an e-mail address, or a group robot's webhook URL (企业微信, 钉钉, 飞书)."""

    kind: ChannelKind
    target: str = Field(min_length=3, max_length=500)
    language: Language = "zh_CN"
    # 钉钉 and 飞书 robots with "加签" security: the robot's signing secret.
    secret: str = Field(default="", max_length=200)

    @field_validator("target")
    @classmethod
    def _target_fits_kind(cls, target: str, info) -> str:
        kind = info.data.get("kind")
        if kind == "email" and not _EMAIL.match(target):
            raise ValueError("not an e-mail address")
        if kind in ("wecom", "dingtalk", "feishu") and not target.startswith(("https://", "http://")):
            raise ValueError("a webhook address starts with https://")
        return target

    def label(self) -> str:
        """How the history names the channel (a webhook's key left out)."""
        if self.kind == "email":
            return self.target
        return f"{self.kind}: {self.target.split('?', 1)[0]}"


class QuietHours(_Part):
    """No messages between ``start`` and ``end`` (local time, may span midnight); held messages go at ``end``."""

    enabled: bool = False
    start: str = "22:00"
    end: str = "07:00"

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError("a time like 22:00")
        return value


class AlertSettings(_Part):
    rules: Rules = Rules()
    channels: tuple[Channel, ...] = Field(default=(), max_length=20)
    # An alert for the same thing that starts again within this many minutes of the last message about it is
    # recorded but not sent again.
    quiet_minutes: int = Field(default=60, ge=0, le=24 * 60)
    quiet_hours: QuietHours = QuietHours()
