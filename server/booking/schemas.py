"""What staff set on a space and its closures (the console's forms and the admin API take these)."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from common.wire import WireModel

HHMM_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class SpaceFields(WireModel):
    name_zh: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)
    place: str = Field(default="", max_length=120)
    capacity: int = Field(ge=1, le=1000)
    places: int = Field(default=1, ge=1, le=100)
    opens: str = Field(pattern=HHMM_PATTERN)
    closes: str = Field(pattern=HHMM_PATTERN)
    weekdays: str = Field(default="01234", pattern=r"^0?1?2?3?4?5?6?$", min_length=1)
    slot_minutes: int = Field(ge=10, le=480)
    max_minutes_per_day: int = Field(ge=10, le=1440)
    days_ahead: int = Field(ge=0, le=60)
    release_minutes: int = Field(default=15, ge=1, le=240)
    early_minutes: int = Field(default=15, ge=0, le=240)
    active: bool = True

    @model_validator(mode="after")
    def _hours_fit_slots(self) -> SpaceFields:
        opens, closes = _minutes(self.opens), _minutes(self.closes)
        if closes <= opens:
            raise ValueError("closes must be after opens")
        if closes - opens < self.slot_minutes:
            raise ValueError("the opening hours must hold at least one slot")
        if self.max_minutes_per_day < self.slot_minutes:
            raise ValueError("max_minutes_per_day must allow at least one slot")
        return self


class ClosureFields(WireModel):
    first_day: date
    last_day: date
    reason: str = Field(default="", max_length=120)

    @model_validator(mode="after")
    def _in_order(self) -> ClosureFields:
        if self.last_day < self.first_day:
            raise ValueError("last_day must not be before first_day")
        return self


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
