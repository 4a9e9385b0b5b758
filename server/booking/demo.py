"""The centre's free spaces for staff (../shared/centre.md: 商务洽谈, 午间休憩, VR 互动体验), for ``kiosk-server
demo-data``: bookable from today on, Monday to Friday, with the rules of the issue (2 hours a day, 7 days ahead)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.booking import spaces
from server.booking.schemas import SpaceFields

DEMO_SPACES = (
    SpaceFields(name_zh="商务洽谈室", name_en="Business meeting room", place="T3 楼 1107 室 洽谈区", capacity=8,
                places=1, opens="08:30", closes="17:30", weekdays="01234", slot_minutes=60, max_minutes_per_day=120,
                days_ahead=7),
    SpaceFields(name_zh="午间休憩区", name_en="Lunchtime rest area", place="T3 楼 1107 室 休憩区", capacity=6,
                places=6, opens="11:30", closes="14:00", weekdays="01234", slot_minutes=30, max_minutes_per_day=60,
                days_ahead=2),
    SpaceFields(name_zh="VR 互动体验区", name_en="VR experience corner", place="T3 楼 1107 室 VR 体验区", capacity=2,
                places=1, opens="09:00", closes="17:00", weekdays="012345", slot_minutes=30, max_minutes_per_day=60,
                days_ahead=7),
)


def create(db: Session, actor: str) -> list[int]:
    return [spaces.create(db, fields, actor).id for fields in DEMO_SPACES]
