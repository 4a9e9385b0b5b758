"""The windows numbers are taken for: every distinct window of the current catalogue (a service's office.window),
with what the console set for it today (open, staff, hours, daily limit) and the letter of its numbers."""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.catalogue import Catalogue, Service, Text, parse_catalogue
from server.core.clock import utcnow
from server.core.db import dialect_insert
from server.fleet import catalogues
from server.queueing.models import QueueWindow

DEFAULT_OPENS = "08:30"
DEFAULT_CLOSES = "17:00"
DEFAULT_DAILY_LIMIT = 200
MAX_DAILY_LIMIT = 999
HOURS_PATTERN = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_WINDOW_NUMBER = re.compile(r"(\d+)\s*号窗口")


@dataclass(frozen=True)
class Window:
    """A window as the queue sees it: its settings row and what the catalogue says of it."""

    row: QueueWindow
    name: Text
    phone: str
    place: str  # floor and room
    services: tuple[Service, ...]

    @property
    def label(self) -> str:
        """"3" for 党群服务中心 3号窗口; "" when its name has no number (then the name is said instead)."""
        found = _WINDOW_NUMBER.search(self.name.zh)
        return found.group(1) if found else ""


class WindowSettingsError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@lru_cache(maxsize=4)
def _parsed(etag: str, document: str) -> Catalogue:
    return parse_catalogue(json.loads(document), "current catalogue")


def current_catalogue(db: Session) -> Catalogue | None:
    row = catalogues.current(db)
    return _parsed(row.etag, row.document) if row is not None else None


def _catalogue_windows(catalogue: Catalogue) -> dict[str, list[Service]]:
    found: dict[str, list[Service]] = {}
    for service in catalogue.services:
        found.setdefault(service.office.window.zh, []).append(service)
    return found


def windows(db: Session) -> list[Window]:
    """Every window of the current catalogue, ordered by letter; a window new to the queue gets a row (open,
    default hours and limit) and the first free letter. Rows of windows the catalogue lost are kept, unused."""
    catalogue = current_catalogue(db)
    if catalogue is None:
        return []
    grouped = _catalogue_windows(catalogue)
    rows = {row.key: row for row in db.scalars(select(QueueWindow))}
    free = [letter for letter in string.ascii_uppercase if letter not in {row.letter for row in rows.values()}]
    # The centre's own windows open by default: those in the room most services are handled in. Windows
    # elsewhere (the district's hall) are listed closed until the console opens them.
    rooms = Counter(service.office.room for service in catalogue.services)
    home_room = rooms.most_common(1)[0][0]
    new = [{"key": key, "letter": free.pop(0), "is_open": grouped[key][0].office.room == home_room, "staff": "", "opens": DEFAULT_OPENS,
            "closes": DEFAULT_CLOSES, "daily_limit": DEFAULT_DAILY_LIMIT, "updated_at": utcnow()}
           for key in grouped if key not in rows and free]
    if new:
        # Two first requests at once: one inserts, the other's rows conflict and are read back.
        db.execute(dialect_insert(db, QueueWindow).on_conflict_do_nothing(), new)
        rows = {row.key: row for row in db.scalars(select(QueueWindow))}
    made = []
    for key, services in grouped.items():
        if key in rows:
            first = services[0]
            made.append(Window(rows[key], first.office.window, first.phone,
                               f"{first.office.floor}F {first.office.room}", tuple(services)))
    return sorted(made, key=lambda window: window.row.letter)


def window_of_service(db: Session, service_code: str) -> tuple[Window, Service] | None:
    for window in windows(db):
        for service in window.services:
            if service.code == service_code:
                return window, service
    return None


def by_id(db: Session, window_id: int) -> Window | None:
    return next((window for window in windows(db) if window.row.id == window_id), None)


def is_open_at(window: QueueWindow, local: datetime) -> bool:
    """Open for numbers: switched on today, and the local time within its hours."""
    return window.is_open and window.opens <= local.strftime("%H:%M") < window.closes


def update(row: QueueWindow, is_open: bool, staff: str, opens: str, closes: str, daily_limit: str) -> None:
    """The console's settings for a window. Raises WindowSettingsError naming the field."""
    staff = staff.strip()
    if len(staff) > 80:
        raise WindowSettingsError("staff", "at most 80 characters")
    for field, value in (("opens", opens), ("closes", closes)):
        # 24:00 closes at midnight.
        if not HOURS_PATTERN.match(value) and not (field == "closes" and value == "24:00"):
            raise WindowSettingsError(field, "a time as HH:MM")
    if opens >= closes:
        raise WindowSettingsError("closes", "must be after the opening time")
    if not daily_limit.isdigit() or not 1 <= int(daily_limit) <= MAX_DAILY_LIMIT:
        raise WindowSettingsError("daily_limit", f"a whole number from 1 to {MAX_DAILY_LIMIT}")
    row.is_open, row.staff, row.opens, row.closes = is_open, staff, opens, closes
    row.daily_limit = int(daily_limit)
    row.updated_at = utcnow()
