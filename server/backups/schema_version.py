"""The schema version (Alembic revision) of the code and of a database."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def alembic_config() -> Config:
    return Config(str(ALEMBIC_INI))


def code_head() -> str:
    """The newest revision this code knows (the migrations have one head)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no Alembic revisions found")
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def database_revision(engine: Engine) -> str | None:
    """The database's revision; None for a database without a schema."""
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if heads else None


def upgrade_to_head() -> None:
    """Migrate the database of DATABASE_URL to the code's head (what ``kiosk-server init`` does)."""
    from alembic import command

    command.upgrade(alembic_config(), "head")
