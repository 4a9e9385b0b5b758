"""The terminal's settings: one typed model, read from TOML and validated at start.

The same model will validate settings pushed from the central server, so it is
strict: unknown keys are errors, and every error names the offending key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from common.catalogue import Text
from common.i18n import N_
from common.pin import PIN_HASH_PATTERN

Language = Literal["zh_CN", "en"]
LANGUAGES: tuple[Language, ...] = ("zh_CN", "en")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TerminalSettings(_Section):
    name: str = Field(min_length=1, max_length=60, title=N_("Terminal name"), description=N_("Set on the terminal's own page; shown in the maintenance screen."))
    location: str = Field(min_length=1, max_length=120, title=N_("Location"), description=N_("Where the terminal stands, as the terminal's page says."))
    centre_name: Text = Field(title=N_("Centre name"), description=N_("The name on the home screen and on printed slips, in Chinese and English."))
    help_phone: str = Field(default="0451-12345", pattern=r"^[0-9\-]{5,20}$",
                            title=N_("Help phone"), description=N_("The number visitors are told to call when something does not work; digits and hyphens."))
    # Where a visitor asks a person, named when the guide has no answer (the search's "not here").
    help_desk: Text = Field(
        default=Text(
            zh="党群服务中心 8 号窗口（综合受理），T3 楼 11 层 1107 室",
            en="Window 8 (general services), Party and Public Service Centre, Tower T3, 11F, room 1107",
        ),
        title=N_("Help desk"),
        description=N_("Where visitors can ask a person, named when the search has no answer; in Chinese and English."),
    )


class DisplaySettings(_Section):
    languages: tuple[Language, ...] = Field(default=LANGUAGES, min_length=1, title=N_("Languages offered"), description=N_("The languages visitors can switch between; at least one."))
    default_language: Language = Field(default="zh_CN", title=N_("Starting language"), description=N_("The language the kiosk shows first and returns to after each visitor."))
    theme: Literal["light", "dark", "high_contrast"] = Field(default="light", title=N_("Colour theme"), description=N_("Light, dark or high contrast; all three meet WCAG AA contrast."))
    # Elder-friendly (适老化) sizes: larger text and 60 dp touch targets.
    elder_mode: bool = Field(default=False, title=N_("Large text from the start"), description=N_("Larger text and touch targets before anyone asks; visitors can still switch it."))

    @model_validator(mode="after")
    def _default_is_offered(self) -> DisplaySettings:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language!r} is not in languages")
        return self


class IdleSettings(_Section):
    # Seconds without a touch before the warning shows, then seconds the warning gives.
    timeout_seconds: int = Field(default=60, ge=15, le=3600, title=N_("Idle time before the warning"), description=N_("With no touch for this long the kiosk asks whether the visitor is still there."))
    # WCAG 2.2.1 and shared/ux.md: at least 20 s to carry on with one touch.
    warning_seconds: int = Field(default=20, ge=20, le=120, title=N_("Warning countdown"), description=N_("How long the warning counts down before everything entered is wiped and the kiosk goes home."))


class ModuleSettings(_Section):
    guide: bool = Field(default=True, title=N_("Service guide"), description=N_("The government-service guide: browse, search, QR and print."))
    checkin: bool = Field(default=True, title=N_("Event check-in"), description=N_("Check-in by scanning a ticket QR, on any screen."))
    feedback: bool = Field(default=True, title=N_("Feedback"), description=N_("Repair requests, ratings, suggestions and micro-wishes."))
    matters: bool = Field(default=True, title=N_("Building matters"), description=N_("The 楼事楼办 board: matters the joint meeting resolved and those still open."))
    convention: bool = Field(default=True, title=N_("Building convention"), description=N_("The building convention (富力共识) as a page to read."))
    volunteers: bool = Field(default=True, title=N_("Volunteer services"), description=N_("The volunteer teams, activities to sign up for, the year's hours, and a member's own hours by ticket."))
    wishes: bool = Field(default=True, title=N_("Micro-wish wall"), description=N_("The published micro-wishes, who claimed them and the thanks, each with a QR to its phone page."))
    booking: bool = Field(default=True, title=N_("Space booking"), description=N_("Book the centre's free spaces and check in with the pass; needs the server."))
    queue: bool = Field(default=True, title=N_("Queue numbers"), description=N_("Take a number for a window (取号), hear the calls and rate the service after."))


class MaintenanceSettings(_Section):
    # scrypt hash of the staff PIN (``kiosk hash-pin``), never the PIN itself.
    pin_hash: str = Field(pattern=PIN_HASH_PATTERN, title=N_("Maintenance PIN"), description=N_("The PIN staff enter after the long press; only its hash is kept."))
    long_press_seconds: float = Field(default=3.0, ge=1.5, le=10.0, title=N_("Long press to open maintenance"), description=N_("How long staff hold the bottom-left corner before the PIN is asked."))
    # A software update switches only outside opening hours, or after this long without a touch (never mid-visit).
    update_idle_minutes: int = Field(default=10, ge=1, le=240, title=N_("Idle before an update"), description=N_("Within opening hours a new version is switched to only after this many minutes without a touch."))


class PrinterSettings(_Section):
    # "simulator" writes what would be printed to ``simulator_file`` in the data directory.
    backend: Literal["none", "simulator", "serial"] = Field(default="simulator", title=N_("Receipt printer"), description=N_("None, a serial ESC/POS printer, or a simulator that writes to a file."))
    port: str = Field(default="/dev/ttyUSB0", title=N_("Printer port"), description=N_("The serial device the printer is on."))
    baudrate: int = Field(default=9600, ge=1200, le=921600, title=N_("Printer speed"), description=N_("The serial speed in baud, as set on the printer."))
    simulator_file: str = Field(default="printer-output.txt", title=N_("Simulator file"), description=N_("Where the simulator writes what would be printed, in the data directory."))
    # Characters per line in the printer's normal font (58 mm paper: 32, 80 mm: 48).
    line_width: int = Field(default=32, ge=24, le=64, title=N_("Characters per line"), description=N_("In the printer's normal font: 32 for 58 mm paper, 48 for 80 mm."))


class VoiceSettings(_Section):
    enabled: bool = Field(default=True, title=N_("Voice"), description=N_("Speak queue calls and check-in verdicts, and read a guide aloud on request (Mandarin or English)."))
    # Words a minute; espeak-ng's own default is 175.
    rate: int = Field(default=150, ge=80, le=260, title=N_("Speaking speed"), description=N_("Words a minute: slower is easier to follow in a busy lobby."))


class GuideSettings(_Section):
    # The QR on a service's page opens this guide on a phone; {code} is the service code.
    # Empty: use the service's own online_url from the catalogue.
    qr_url_template: str = Field(default="", title=N_("Guide QR address"), description=N_("An https:// address with {code} for the service code; empty: each service's own online link."))
    popular_count: int = Field(default=8, ge=1, le=30, title=N_("Popular services shown"), description=N_("How many of the most used services the home screen offers."))

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

    enabled: bool = Field(default=False, title=N_("Keep opening hours"), description=N_("Outside the hours below the kiosk shows a closed screen with the hours (and still syncs)."))
    weekly: dict[Weekday, tuple[str, ...]] = Field(default_factory=lambda: dict(_WORKDAYS_OPEN),
                                                    title=N_("Weekly hours"), description=N_("Up to three spans a day; a day without a span is closed."))
    closed_dates: tuple[date, ...] = Field(default=(), title=N_("Closed dates"), description=N_("Holidays and other closed days, one date (2026-10-01) a line."))

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
    level: LogLevel = Field(default="INFO", title=N_("Log level"), description=N_("How much the terminal writes to its log."))
    # A raised level for remote troubleshooting that lapses by itself at ``raised_until``.
    raised_level: LogLevel | None = Field(default=None, title=N_("Temporary log level"), description=N_("A more detailed level for troubleshooting, until the time below."))
    raised_until: datetime | None = Field(default=None, title=N_("Temporary level until"), description=N_("When the temporary level lapses by itself."))

    def effective_level(self, now: datetime) -> LogLevel:
        if self.raised_level and self.raised_until and now < self.raised_until:
            return self.raised_level
        return self.level


class SyncSettings(_Section):
    # Seconds between calls to the server; each wait carries +-10 % jitter so a fleet spreads out.
    heartbeat_seconds: int = Field(default=30, ge=5, le=3600, title=N_("Poll the server every"), description=N_("Heartbeat, settings and commands; each wait varies by up to a tenth, so a fleet spreads out."))
    batch_size: int = Field(default=100, ge=1, le=500, title=N_("Records sent at once"), description=N_("How many outbox records go to the server in one request."))
    connect_timeout_seconds: float = Field(default=5.0, ge=0.5, le=60, title=N_("Connect timeout"), description=N_("How long to wait for the server to answer a connection."))
    read_timeout_seconds: float = Field(default=15.0, ge=1, le=120, title=N_("Read timeout"), description=N_("How long to wait for the server's reply once connected."))
    # Exponential backoff after failures, capped here.
    max_backoff_seconds: int = Field(default=300, ge=10, le=3600, title=N_("Longest wait after failures"), description=N_("Retries wait longer after each failure, up to this."))
    # Records the server confirmed stay on the terminal this long (and within this size, oldest dropped first),
    # so a server restored from an older backup gets them again. Personal fields are kept only sealed.
    keep_confirmed_days: int = Field(default=14, ge=0, le=90, title=N_("Keep confirmed records for"), description=N_("Days a confirmed record stays on the terminal, so a server restored from a backup gets it again."))
    keep_confirmed_megabytes: int = Field(default=64, ge=1, le=2048, title=N_("Room for kept records"), description=N_("The oldest kept records go first beyond this size."))


ScannerKind = Literal["auto", "serial", "hid", "camera", "simulator", "none"]


class ScannerSettings(_Section):
    # "auto": a serial scanner on ``port`` when it exists, else keyboard-wedge (HID) input.
    kind: ScannerKind = Field(default="auto", title=N_("Scanner"), description=N_("Which QR scanner the kiosk reads; automatic: serial on the port if present, else keyboard."))
    port: str = Field(default="/dev/ttyACM0", max_length=200, title=N_("Scanner port"), description=N_("The serial device of a serial scanner."))
    baudrate: int = Field(default=9600, ge=1200, le=921600, title=N_("Scanner speed"), description=N_("The serial speed in baud, as set on the scanner."))
    # "auto": UTF-8 when the bytes are valid UTF-8, else GBK (common on domestic scanners).
    encoding: Literal["auto", "utf-8", "gbk"] = Field(default="auto", title=N_("Scanner text encoding"), description=N_("Automatic: UTF-8 when valid, else GBK (common on domestic scanners)."))
    # The same code read again within this window is one read (not "already checked in").
    repeat_window_seconds: float = Field(default=2.5, ge=0, le=30, title=N_("Repeat window"), description=N_("The same code read again within this time counts once."))
    camera_repeat_window_seconds: float = Field(default=5.0, ge=0, le=30, title=N_("Camera repeat window"), description=N_("The same for a camera, which sees a held ticket many times."))


class LinkSettings(_Section):
    """When the kiosk stops asking the server online and decides by itself (services/checkin/link_health.py)."""

    # This many failed requests in a row (error, 5xx, timeout) switch to offline checking.
    failures_to_offline: int = Field(default=2, ge=1, le=20, title=N_("Failures before offline"), description=N_("This many failed requests in a row switch check-in to deciding offline."))
    # An answer slower than this counts as slow; this many slow answers in a row switch to offline too.
    slow_seconds: float = Field(default=0.5, ge=0.05, le=10, title=N_("Slow answer"), description=N_("An answer slower than this counts as slow."))
    slow_to_offline: int = Field(default=3, ge=1, le=20, title=N_("Slow answers before offline"), description=N_("This many slow answers in a row switch to deciding offline too."))
    # Offline this long before the next scan or heartbeat probes the server; doubles after a failed probe.
    cooldown_seconds: float = Field(default=30, ge=1, le=3600, title=N_("Offline before trying again"), description=N_("How long check-in stays offline before it probes the server."))
    max_cooldown_seconds: float = Field(default=300, ge=1, le=3600, title=N_("Longest offline spell"), description=N_("The wait doubles after each failed probe, up to this."))

    @model_validator(mode="after")
    def _cooldowns_ordered(self) -> LinkSettings:
        if self.max_cooldown_seconds < self.cooldown_seconds:
            raise ValueError("max_cooldown_seconds is shorter than cooldown_seconds")
        return self


class CheckinSettings(_Section):
    scanner: ScannerSettings = ScannerSettings()
    # How long a verdict stays on screen before the kiosk waits for the next scan.
    verdict_seconds: float = Field(default=4, ge=1, le=30, title=N_("Verdict shown for"), description=N_("How long a check-in verdict stays on screen."))
    # An online check slower than this falls back to the offline decision for that scan.
    online_timeout_seconds: float = Field(default=0.8, ge=0.1, le=10, title=N_("Online check time limit"), description=N_("A check slower than this is decided offline for that scan."))
    link: LinkSettings = LinkSettings()
    # Passes of other spaces get "wrong space" here (a terminal at the door of one room).
    booking_spaces: str = Field(default="", max_length=200, pattern=r"^[0-9, ]*$", title=N_("Spaces checked in here"), description=N_("The ids of the spaces whose booking passes this terminal checks in, separated by commas; empty: every space."))

    def booking_space_ids(self) -> list[int]:
        return [int(part) for part in self.booking_spaces.replace(" ", "").split(",") if part]


class FeedbackCategory(_Section):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", title=N_("Key"), description=N_("Lower-case letters, digits and _; how the server files the items."))
    title: Text = Field(title=N_("Title"), description=N_("The words on the category's button."))
    # A name from screens/icons.py ICONS; an unknown name shows the generic feedback icon.
    icon: str = Field(default="feedback", max_length=40, title=N_("Icon"), description=N_("An icon name; an unknown one shows the generic feedback icon."))
    # True: the visitor rates on the national five-level scale (政务服务好差评) before writing.
    rating: bool = Field(default=False, title=N_("Asks for a rating"), description=N_("The visitor rates on the national five-level scale before writing."))


def _default_feedback_categories() -> tuple[FeedbackCategory, ...]:
    return tuple(
        FeedbackCategory(key=key, title=Text(zh=zh, en=en), icon=icon, rating=key == "service_rating")
        for key, zh, en, icon in (
            ("repair", "报修", "Repair request", "wrench"),
            ("order", "楼宇秩序与环境", "Building order and environment", "broom"),
            ("service_rating", "政务服务评价", "Rate a government service", "star_circle"),
            ("event_suggestion", "活动建议", "Event suggestion", "lightbulb"),
            ("micro_wish", "微心愿", "Micro-wish", "gift"),
            ("proposal", "楼事提议", "Building matter proposal", "city"),
            ("other", "其他", "Other", "dots"),
        )
    )


class FeedbackSettings(_Section):
    categories: tuple[FeedbackCategory, ...] = Field(default_factory=_default_feedback_categories, min_length=1, max_length=12,
                                                     title=N_("Feedback categories"), description=N_("The buttons visitors choose from, in this order; 1 to 12."))
    # The wire limit is 500.
    max_text_length: int = Field(default=500, ge=20, le=500, title=N_("Longest message"), description=N_("Characters a visitor may type."))
    # The same submission again within this many seconds is a repeated press ...
    repeat_press_seconds: int = Field(default=3, ge=1, le=60, title=N_("Repeated press window"), description=N_("The same submission again within this time is a repeated press, kept but marked."))
    # ... and within this many an identical submission; both are kept but marked suppressed.
    identical_window_seconds: int = Field(default=600, ge=0, le=86_400, title=N_("Identical message window"), description=N_("An identical message within this time is kept but marked as suppressed."))
    # More submissions than this from this terminal within an hour are kept but marked suppressed.
    rate_limit_per_hour: int = Field(default=30, ge=1, le=1000, title=N_("Most messages an hour"), description=N_("More from this terminal within an hour are kept but marked as suppressed."))
    # Negative ratings get a follow-up within this many working days (Mon-Fri).
    followup_working_days: int = Field(default=5, ge=1, le=30, title=N_("Follow-up promised within"), description=N_("The reply date an unhappy rating is promised, Monday to Friday counted."))
    require_consent_for_phone: bool = Field(default=True, title=N_("Ask consent for a phone number"), description=N_("A visitor who leaves a number must tick the consent line first."))
    # The status page the receipt's QR opens: <base>/s/<tracking>?c=<code>. Empty: the enrolled server's URL.
    status_url_base: str = Field(default="", max_length=200, title=N_("Status page address"), description=N_("Where the receipt's QR points; empty: the server the terminal is enrolled with."))

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


class UsageSettings(_Section):
    enabled: bool = Field(default=True, title=N_("Count how the terminal is used"), description=N_("Each visit reported anonymously: what was opened and searched; never names, texts or phone numbers."))


class KioskSettings(_Section):
    terminal: TerminalSettings
    display: DisplaySettings = DisplaySettings()
    idle: IdleSettings = IdleSettings()
    modules: ModuleSettings = ModuleSettings()
    maintenance: MaintenanceSettings
    printer: PrinterSettings = PrinterSettings()
    guide: GuideSettings = GuideSettings()
    announcements: tuple[Text, ...] = Field(default=(), title=N_("Announcements"), description=N_("Notices for the home screen's ticker, in Chinese and English, in this order."))
    hours: OpeningHours = OpeningHours()
    log: LogSettings = LogSettings()
    sync: SyncSettings = SyncSettings()
    checkin: CheckinSettings = CheckinSettings()
    feedback: FeedbackSettings = FeedbackSettings()
    voice: VoiceSettings = VoiceSettings()
    usage: UsageSettings = UsageSettings()


@dataclass(frozen=True)
class SettingsProblem:
    """One bad value: its dotted key, pydantic's error type (``less_than_equal``…), the English message and the
    limits it names (``{"le": 3600}``), so a console can say it in its own language."""

    key: str
    kind: str
    message: str
    limits: dict[str, str | int | float] = field(default_factory=dict)


class SettingsError(ValueError):
    """Settings that cannot be used; the message names the file and every bad key."""

    def __init__(self, message: str, problems: tuple[SettingsProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


def parse_settings(data: dict, source: str) -> KioskSettings:
    try:
        return KioskSettings.model_validate(data)
    except ValidationError as exc:
        problems = tuple(
            SettingsProblem(".".join(str(part) for part in error["loc"]) or "(root)", error["type"],
                            error["msg"].removeprefix("Value error, "),
                            {name: value for name, value in error.get("ctx", {}).items()
                             if isinstance(value, str | int | float)})
            for error in exc.errors(include_url=False)
        )
        lines = [f"{source}: invalid settings", *(f"  {problem.key}: {problem.message}" for problem in problems)]
        raise SettingsError("\n".join(lines), problems) from None


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
