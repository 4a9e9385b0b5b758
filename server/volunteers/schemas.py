"""What the volunteer administration takes and gives."""

from __future__ import annotations

from pydantic import Field

from common.wire import MAINLAND_MOBILE_PATTERN, Id, WireModel

REASON_MAX = 200


class TeamFields(WireModel):
    name_zh: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=120)
    description_zh: str = Field(default="", max_length=400)
    description_en: str = Field(default="", max_length=600)
    active: bool = True


class MemberFields(WireModel):
    team_id: Id
    name: str = Field(min_length=1, max_length=80)
    phone: str = Field(pattern=MAINLAND_MOBILE_PATTERN)
    organisation: str = Field(default="", max_length=120)
    leader: bool = False


class HoursEdit(WireModel):
    """The minutes one sign-up is credited with, replacing those counted from the scans."""

    minutes: int = Field(ge=0, le=24 * 60)
    reason: str = Field(min_length=1, max_length=REASON_MAX)
