"""The terminal's settings: one typed model, read from TOML and validated at start.

The same model will validate settings pushed from the central server, so it is
strict: unknown keys are errors, and every error names the offending key.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from common.catalogue import Text
from common.pin import PIN_HASH_PATTERN

Language = Literal["zh_CN", "en"]
LANGUAGES: tuple[Language, ...] = ("zh_CN", "en")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TerminalSettings(_Section):
    name: str = Field(min_length=1, max_length=60)
    location: str = Field(min_length=1, max_length=120)
    centre_name: Text
    help_phone: str = Field(default="0451-12345", pattern=r"^[0-9\-]{5,20}$")


class DisplaySettings(_Section):
    languages: tuple[Language, ...] = Field(default=LANGUAGES, min_length=1)
    default_language: Language = "zh_CN"
    theme: Literal["light", "dark", "high_contrast"] = "light"
    # Elder-friendly (适老化) sizes: larger text and 60 dp touch targets.
    elder_mode: bool = False

    @model_validator(mode="after")
    def _default_is_offered(self) -> DisplaySettings:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language!r} is not in languages")
        return self


class IdleSettings(_Section):
    # Seconds without a touch before the warning shows, then seconds the warning gives.
    timeout_seconds: int = Field(default=60, ge=15, le=3600)
    # WCAG 2.2.1 and shared/ux.md: at least 20 s to carry on with one touch.
    warning_seconds: int = Field(default=20, ge=20, le=120)


class ModuleSettings(_Section):
    guide: bool = True
    checkin: bool = True
    feedback: bool = True


class MaintenanceSettings(_Section):
    # scrypt hash of the staff PIN (``kiosk hash-pin``), never the PIN itself.
    pin_hash: str = Field(pattern=PIN_HASH_PATTERN)
    long_press_seconds: float = Field(default=3.0, ge=1.5, le=10.0)


class PrinterSettings(_Section):
    # "simulator" writes what would be printed to ``simulator_file`` in the data directory.
    backend: Literal["none", "simulator", "serial"] = "simulator"
    port: str = "/dev/ttyUSB0"
    baudrate: int = Field(default=9600, ge=1200, le=921600)
    simulator_file: str = "printer-output.txt"
    # Characters per line in the printer's normal font (58 mm paper: 32, 80 mm: 48).
    line_width: int = Field(default=32, ge=24, le=64)


class GuideSettings(_Section):
    # The QR on a service's page opens this guide on a phone; {code} is the service code.
    # Empty: use the service's own online_url from the catalogue.
    qr_url_template: str = ""
    popular_count: int = Field(default=8, ge=1, le=30)

    @field_validator("qr_url_template")
    @classmethod
    def _template_has_code(cls, value: str) -> str:
        if value and ("{code}" not in value or not value.startswith("https://")):
            raise ValueError("must be empty or an https:// URL containing {code}")
        return value


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


_WORKDAYS_OPEN: dict[Weekday, tuple[str, ...]] = {day: ("08:30-17:30",) for day in WEEKDAYS[:5]}


class OpeningHours(_Section):
    """When visitors may use the kiosk; outside these hours it shows a closed screen (and still syncs).

    ``weekly`` maps a weekday to spans like "08:30-12:00"; a day that is missing is closed all day.
    """

    enabled: bool = False
    weekly: dict[Weekday, tuple[str, ...]] = Field(default_factory=lambda: dict(_WORKDAYS_OPEN))
    closed_dates: tuple[date, ...] = ()

    @field_validator("weekly")
    @classmethod
    def _spans_are_times(cls, weekly: dict) -> dict:
        for day, spans in weekly.items():
            for span in spans:
                match = _SPAN.match(span)
                if not match or match.group(1, 2) >= match.group(3, 4):
                    raise ValueError(f"{day}: {span!r} is not a span like 08:30-17:30")
        return weekly

    def is_open(self, at: datetime) -> bool:
        if not self.enabled:
            return True
        if at.date() in self.closed_dates:
            return False
        now = at.time()
        for span in self.weekly.get(WEEKDAYS[at.weekday()], ()):
            start, end = span.split("-")
            if time.fromisoformat(start) <= now and (end == "24:00" or now < time.fromisoformat(end)):
                return True
        return False


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class LogSettings(_Section):
    level: LogLevel = "INFO"
    # A raised level for remote troubleshooting that lapses by itself at ``raised_until``.
    raised_level: LogLevel | None = None
    raised_until: datetime | None = None

    def effective_level(self, now: datetime) -> LogLevel:
        if self.raised_level and self.raised_until and now < self.raised_until:
            return self.raised_level
        return self.level


class SyncSettings(_Section):
    # Seconds between calls to the server; each wait carries +-10 % jitter so a fleet spreads out.
    heartbeat_seconds: int = Field(default=30, ge=5, le=3600)
    batch_size: int = Field(default=100, ge=1, le=500)
    connect_timeout_seconds: float = Field(default=5.0, ge=0.5, le=60)
    read_timeout_seconds: float = Field(default=15.0, ge=1, le=120)
    # Exponential backoff after failures, capped here.
    max_backoff_seconds: int = Field(default=300, ge=10, le=3600)
    # Records the server confirmed stay on the terminal this long (and within this size, oldest dropped first),
    # so a server restored from an older backup gets them again. Personal fields are kept only sealed.
    keep_confirmed_days: int = Field(default=14, ge=0, le=90)
    keep_confirmed_megabytes: int = Field(default=64, ge=1, le=2048)


ScannerKind = Literal["auto", "serial", "hid", "camera", "simulator", "none"]


class ScannerSettings(_Section):
    # "auto": a serial scanner on ``port`` when it exists, else keyboard-wedge (HID) input.
    kind: ScannerKind = "auto"
    port: str = Field(default="/dev/ttyACM0", max_length=200)
    baudrate: int = Field(default=9600, ge=1200, le=921600)
    # "auto": UTF-8 when the bytes are valid UTF-8, else GBK (common on domestic scanners).
    encoding: Literal["auto", "utf-8", "gbk"] = "auto"
    # The same code read again within this window is one read (not "already checked in").
    repeat_window_seconds: float = Field(default=2.5, ge=0, le=30)
    camera_repeat_window_seconds: float = Field(default=5.0, ge=0, le=30)


class LinkSettings(_Section):
    """When the kiosk stops asking the server online and decides by itself (services/checkin/link_health.py)."""

    # This many failed requests in a row (error, 5xx, timeout) switch to offline checking.
    failures_to_offline: int = Field(default=2, ge=1, le=20)
    # An answer slower than this counts as slow; this many slow answers in a row switch to offline too.
    slow_seconds: float = Field(default=0.5, ge=0.05, le=10)
    slow_to_offline: int = Field(default=3, ge=1, le=20)
    # Offline this long before the next scan or heartbeat probes the server; doubles after a failed probe.
    cooldown_seconds: float = Field(default=30, ge=1, le=3600)
    max_cooldown_seconds: float = Field(default=300, ge=1, le=3600)

    @model_validator(mode="after")
    def _cooldowns_ordered(self) -> LinkSettings:
        if self.max_cooldown_seconds < self.cooldown_seconds:
            raise ValueError("max_cooldown_seconds is shorter than cooldown_seconds")
        return self


class CheckinSettings(_Section):
    scanner: ScannerSettings = ScannerSettings()
    # How long a verdict stays on screen before the kiosk waits for the next scan.
    verdict_seconds: float = Field(default=4, ge=1, le=30)
    # An online check slower than this falls back to the offline decision for that scan.
    online_timeout_seconds: float = Field(default=0.8, ge=0.1, le=10)
    link: LinkSettings = LinkSettings()


class FeedbackCategory(_Section):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    title: Text
    # A name from screens/icons.py ICONS; an unknown name shows the generic feedback icon.
    icon: str = Field(default="feedback", max_length=40)
    # True: the visitor rates on the national five-level scale (政务服务好差评) before writing.
    rating: bool = False


def _default_feedback_categories() -> tuple[FeedbackCategory, ...]:
    return tuple(
        FeedbackCategory(key=key, title=Text(zh=zh, en=en), icon=icon, rating=key == "service_rating")
        for key, zh, en, icon in (
            ("repair", "报修", "Repair request", "wrench"),
            ("order", "楼宇秩序与环境", "Building order and environment", "broom"),
            ("service_rating", "政务服务评价", "Rate a government service", "star_circle"),
            ("event_suggestion", "活动建议", "Event suggestion", "lightbulb"),
            ("micro_wish", "微心愿", "Micro-wish", "gift"),
            ("other", "其他", "Other", "dots"),
        )
    )


class FeedbackSettings(_Section):
    categories: tuple[FeedbackCategory, ...] = Field(default_factory=_default_feedback_categories, min_length=1, max_length=12)
    max_text_length: int = Field(default=500, ge=20, le=500)  # the wire limit is 500
    # The same submission again within this many seconds is a repeated press ...
    repeat_press_seconds: int = Field(default=3, ge=1, le=60)
    # ... and within this many an identical submission; both are kept but marked suppressed.
    identical_window_seconds: int = Field(default=600, ge=0, le=86_400)
    # More submissions than this from this terminal within an hour are kept but marked suppressed.
    rate_limit_per_hour: int = Field(default=30, ge=1, le=1000)
    # Negative ratings get a follow-up within this many working days (Mon-Fri).
    followup_working_days: int = Field(default=5, ge=1, le=30)
    require_consent_for_phone: bool = True
    # The status page the receipt's QR opens: <base>/s/<tracking>?c=<code>. Empty: the enrolled server's URL.
    status_url_base: str = Field(default="", max_length=200)

    @field_validator("status_url_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not re.match(r"^https?://[^\s/?#]+[^\s?#]*$", value):
            raise ValueError("must be empty or an http(s):// URL without query")
        return value.rstrip("/")

    @field_validator("categories")
    @classmethod
    def _unique_keys(cls, categories: tuple) -> tuple:
        keys = [category.key for category in categories]
        if len(set(keys)) != len(keys):
            raise ValueError("category keys must be unique")
        return categories

    def category(self, key: str) -> FeedbackCategory | None:
        return next((category for category in self.categories if category.key == key), None)


class KioskSettings(_Section):
    terminal: TerminalSettings
    display: DisplaySettings = DisplaySettings()
    idle: IdleSettings = IdleSettings()
    modules: ModuleSettings = ModuleSettings()
    maintenance: MaintenanceSettings
    printer: PrinterSettings = PrinterSettings()
    guide: GuideSettings = GuideSettings()
    announcements: tuple[Text, ...] = ()
    hours: OpeningHours = OpeningHours()
    log: LogSettings = LogSettings()
    sync: SyncSettings = SyncSettings()
    checkin: CheckinSettings = CheckinSettings()
    feedback: FeedbackSettings = FeedbackSettings()


class SettingsError(ValueError):
    """Settings that cannot be used; the message names the file and every bad key."""


def parse_settings(data: dict, source: str) -> KioskSettings:
    try:
        return KioskSettings.model_validate(data)
    except ValidationError as exc:
        lines = [f"{source}: invalid settings"]
        for error in exc.errors(include_url=False):
            key = ".".join(str(part) for part in error["loc"]) or "(root)"
            lines.append(f"  {key}: {error['msg'].removeprefix('Value error, ')}")
        raise SettingsError("\n".join(lines)) from None


def load_settings(path: Path) -> KioskSettings:
    return parse_settings(read_settings_document(path), str(path))


def read_settings_document(path: Path) -> dict:
    """The TOML file as a plain dict, not yet validated (remote layers are merged onto it)."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None


def merge_layers(*layers: dict) -> dict:
    """Deep-merge settings layers, later ones winning: tables merge key by key, any other value
    (lists included) replaces the one below, and ``None`` removes a key so the lower layer shows again."""
    merged: dict = {}
    for layer in layers:
        merged = _merge(merged, layer)
    return merged


def _merge(base: dict, layer: dict) -> dict:
    result = dict(base)
    for key, value in layer.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = value
    return result
