"""The unhappy-terminal alerts for the banner on every signed-in console page."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import object_session

from server.core.clock import utcnow
from server.feedback.queries import UnhappyAlert, unhappy_alerts


def feedback_alerts(request: Request) -> list[UnhappyAlert]:
    # In the page's own database session (the one its console session row came from): on SQLite a second
    # session would wait for the page's write lock.
    session = getattr(request.state, "console_session", None)
    db = object_session(session) if session is not None else None
    return unhappy_alerts(db, request.app.state.settings, utcnow()) if db is not None else []
