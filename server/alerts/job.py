"""The periodic alert job (server/core/periodic.py): evaluate the rules, then tell people."""

from __future__ import annotations

from datetime import datetime

from common.paths import DEFAULT_SETTINGS_FILE
from common.settings import read_settings_document
from server.alerts import lifecycle, notify
from server.alerts.conditions import current_conditions
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory


def run_alerts(settings: ServerSettings, now: datetime) -> int:
    """One round; how many messages went out."""
    engine = make_engine(settings.database_url)
    try:
        sessions = make_session_factory(engine)
        with sessions() as db:
            lifecycle.lock_evaluation(db)
            alert_settings = lifecycle.load_settings(db)
            conditions = current_conditions(db, settings, alert_settings,
                                            read_settings_document(DEFAULT_SETTINGS_FILE), now)
            lifecycle.apply_conditions(db, conditions, now)
            db.commit()
        return notify.notify(sessions, settings, alert_settings, now)
    finally:
        engine.dispose()
