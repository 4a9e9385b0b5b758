"""Start-up registrations with the record store (server/fleet/records.py): each domain hands it the projection of
the record kinds it owns. create_app and the CLI call ``register_projections()`` before any record is stored.

Kept apart from server/domains.py, which loads every router: the CLI needs the projections, not the routes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.events import checkins
from server.feedback import items as feedback_items
from server.fleet import records
from server.fleet.models import Terminal
from server.usage import ingest as usage_ingest
from server.wishes import wishes


def _feedback_and_wishes(db: Session, terminal: Terminal, rows: list[dict]) -> None:
    """Feedback items first; then a wish to review of each new micro-wish item (the item is its receipt)."""
    feedback_items.project(db, terminal, rows)
    wishes.from_feedback_records(db, terminal, rows)


def _register_feedback() -> None:
    records.register_projection("feedback", _feedback_and_wishes)


REGISTRATIONS = (checkins.register_projections, _register_feedback, usage_ingest.register_projections)


def register_projections() -> None:
    for register in REGISTRATIONS:
        register()
