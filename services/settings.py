"""The terminal's settings: one typed model, read from TOML and validated at start.

The same model will validate settings pushed from the central server, so it is
strict: unknown keys are errors, and every error names the offending key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.catalogue import Text
from services.pin import PIN_HASH_PATTERN

LANGUAGES = ("zh_CN", "en")
Language = Literal["zh_CN", "en"]


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
    def _default_is_offered(self) -> "DisplaySettings":
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


class KioskSettings(_Section):
    terminal: TerminalSettings
    display: DisplaySettings = DisplaySettings()
    idle: IdleSettings = IdleSettings()
    modules: ModuleSettings = ModuleSettings()
    maintenance: MaintenanceSettings
    printer: PrinterSettings = PrinterSettings()
    guide: GuideSettings = GuideSettings()
    announcements: tuple[Text, ...] = ()


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
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    return parse_settings(data, str(path))
