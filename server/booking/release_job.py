"""The periodic job (server/core/periodic.py) that releases bookings nobody checked in to in time."""

from __future__ import annotations

from datetime import datetime

from server.booking import bookings
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory


def run_release(settings: ServerSettings, now: datetime) -> int:
    """One round; how many bookings were released."""
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            released = bookings.release_no_shows(db, now)
            db.commit()
        return released
    finally:
        engine.dispose()
