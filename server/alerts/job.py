"""The periodic alert job (server/core/periodic.py): evaluate the rules, then tell people."""

from __future__ import annotations

from datetime import datetime

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import read_settings_document
from server.alerts import lifecycle, notify
from server.alerts.conditions import current_conditions
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory, read_only


def run_alerts(settings: ServerSettings, now: datetime) -> int:
    """One round; how many messages went out."""
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        # The round reads the whole fleet (~0.1 s for 1,000 terminals) in a read-only session, which on SQLite
        # holds up no terminal's call; the evaluation lock is held over reading and applying all the same.
        with sessions(bind=read_only(engine)) as reading:
            lifecycle.lock_evaluation(reading)
            alert_settings = lifecycle.load_settings(reading)
            conditions = current_conditions(reading, settings, alert_settings,
                                            read_settings_document(DEFAULT_SETTINGS_FILE), now)
            with sessions() as db:
                lifecycle.apply_conditions(db, conditions, now)
                db.commit()
        return notify.notify(sessions, settings, alert_settings, now)
    finally:
        engine.dispose()
