"""The domain tests' database (tests/server/domain/conftest.py): migrated to head as `kiosk-server init` leaves
it, the test's own copy (what a test writes never reaches the template), and the settings the domain code
reads through current_settings() point at it."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from server.backups import schema_version
from server.core.config import current_settings
from server.core.db import make_engine
from server.fleet.models import CatalogueVersion, Terminal
from tests.server.domain.builders import BOTH_DIALECTS, terminal


@BOTH_DIALECTS
def test_the_database_is_at_the_newest_migration_with_the_catalogue_seeded(db, settings, tmp_path):
    heads = set(ScriptDirectory.from_config(schema_version.alembic_config()).get_heads())
    assert set(MigrationContext.configure(db.connection()).get_current_heads()) == heads
    assert db.scalar(select(func.count()).select_from(CatalogueVersion)) == 1
    assert current_settings() is settings
    assert settings.kiosk_server_data_dir == tmp_path / "server-data"
    assert db.get_bind().url.render_as_string(hide_password=False) == settings.database_url


@BOTH_DIALECTS
def test_what_a_test_writes_stays_in_its_own_copy(db, request, database_kind):
    terminal(db, "mine")
    assert db.scalar(select(func.count()).select_from(Terminal)) == 1
    if database_kind == "sqlite":
        template_url = f"sqlite:///{request.getfixturevalue('_sqlite_template')}"
    else:
        template_url = request.getfixturevalue("_postgres_template").rsplit("/", 1)[0] + "/kiosk_domain_template"
        template_url = "postgresql+psycopg://" + template_url.split("://", 1)[1]
    engine = make_engine(template_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Terminal)) == 0
    finally:
        engine.dispose()
