"""Start-up registrations with the record store (server/fleet/records.py): each domain hands it the projection of
the record kinds it owns. create_app and the CLI call ``register_projections()`` before any record is stored.

Kept apart from server/domains.py, which loads every router: the CLI needs the projections, not the routes.
"""

from __future__ import annotations

from server.events import checkins
from server.feedback import items as feedback_items
from server.usage import ingest as usage_ingest

REGISTRATIONS = (checkins.register_projections, feedback_items.register_projections,
                 usage_ingest.register_projections)


def register_projections() -> None:
    for register in REGISTRATIONS:
        register()
