"""The usage job (server/core/periodic.py, every server process each minute): raw visits past their days go, and
once a day the catalogue's popularity is taken from the views."""

from __future__ import annotations

from datetime import datetime

from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.usage import popularity, retention
from server.usage.queries import local_today


def run_usage_jobs(settings: ServerSettings, now: datetime) -> None:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            retention.prune_raw(db, now, settings.usage_raw_days)
            db.commit()
            if popularity.is_due(db, now):
                popularity.update_catalogue(db, local_today(settings.timezone, now), now)
            db.commit()
    finally:
        engine.dispose()
