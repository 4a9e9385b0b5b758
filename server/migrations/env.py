"""Alembic environment: migrates the database named by DATABASE_URL (ServerSettings), online only."""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import text

from server.core.config import ServerSettings
from server.core.db import make_engine
from server.fleet.models import Base, UTCDateTime
from server.usage import models as usage_models  # noqa: F401 - its tables in the metadata

# Two servers starting at once on one PostgreSQL database migrate one after the other.
_MIGRATION_LOCK_KEY = 0x6B696F736D

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _render_item(kind: str, value: Any, _context: AutogenContext) -> str | Literal[False]:
    # New revisions spell the UTC timestamp as the plain column type, so they never import the models.
    if kind == "type" and isinstance(value, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations() -> None:
    engine = make_engine(ServerSettings().database_url)
    try:
        with engine.connect() as connection:
            # SQLite alters tables by copying them ("batch" mode).
            context.configure(connection=connection, target_metadata=Base.metadata,
                              render_as_batch=connection.dialect.name == "sqlite", render_item=_render_item)
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against the database")
run_migrations()
