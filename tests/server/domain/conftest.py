"""Domain tests against a real, migrated database, without a server process.

The schema is made ONCE per session the way ``kiosk-server init`` makes it (Alembic ``upgrade head`` through
server/alembic.ini and its env.py, then the sample catalogue seeded), into a template; each test then gets its
own copy: a file copy for SQLite, ``CREATE DATABASE … TEMPLATE`` in the private cluster for PostgreSQL.

Fixtures: ``db`` (a Session), ``sessions`` (its sessionmaker, for tests that need several sessions at once),
``settings`` (the ServerSettings the domain code reads through ``current_settings()`` too, with a data directory
of the test's own). SQLite unless the test is marked for PostgreSQL (``database_kind``, tests/server_fixtures.py;
BOTH_DIALECTS and POSTGRESQL in tests/server/domain/builders.py): PostgreSQL is for the rules whose SQL differs.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.orm import Session, sessionmaker

from server.backups import schema_version
from server.core.config import ServerSettings, current_settings
from server.core.db import make_engine, make_session_factory
from server.fleet import catalogues
from server.projections import register_projections

_TEMPLATE_DATABASE = "kiosk_domain_template"
_copies = itertools.count(1)


@contextmanager
def _database_url_in_environment(url: str) -> Iterator[None]:
    # server/migrations/env.py migrates the database ServerSettings() names, as under `kiosk-server init`.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        yield


def _init(url: str) -> None:
    """What ``kiosk-server init`` does (server/cli.py init), in this process: upgrade head, seed the catalogue."""
    from alembic import command

    config = schema_version.alembic_config()
    config.attributes["configure_logging"] = False  # leave pytest's logging alone
    with _database_url_in_environment(url):
        command.upgrade(config, "head")
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as db:
            catalogues.seed(db)
            db.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _projections() -> None:
    """What create_app and the CLI do at start-up: each record kind's projection registered with the store."""
    register_projections()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("domain-template") / "server.sqlite"
    _init(f"sqlite:///{path}")
    # Every connection is closed, so the WAL is checkpointed into the file: the file alone is the database.
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def _database_at(admin_url: str, name: str) -> str:
    return _sqlalchemy_url(admin_url.rsplit("/", 1)[0] + f"/{name}")


@pytest.fixture(scope="session")
def _postgres_template(request) -> str:
    """The admin URL of the private cluster holding the migrated template database."""
    admin_url = request.getfixturevalue("postgres_admin_url")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_TEMPLATE_DATABASE}"')
        connection.execute(f'CREATE DATABASE "{_TEMPLATE_DATABASE}"')
    _init(_database_at(admin_url, _TEMPLATE_DATABASE))  # its engine is disposed: no session left to block copies
    return admin_url


@pytest.fixture
def domain_url(database_kind, request, tmp_path) -> Iterator[str]:
    """The URL of this test's own copy of the migrated template."""
    if database_kind == "sqlite":
        path = tmp_path / "server.sqlite"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    assert database_kind == "postgresql", database_kind
    admin_url = request.getfixturevalue("_postgres_template")
    name = f"kiosk_domain_{os.getpid()}_{next(_copies)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE_DATABASE}"')
    try:
        yield _database_at(admin_url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(domain_url, tmp_path, monkeypatch) -> Iterator[ServerSettings]:
    """The server's settings for this test, also what ``current_settings()`` gives the domain code (the
    feedback projection, the ticket key vault): this test's database and a data directory of its own."""
    for name in ("FEEDBACK_CODE_PEPPER", "TICKET_KEY_SECRET", "TIMEZONE"):
        monkeypatch.delenv(name, raising=False)  # the server's defaults, whatever this shell has set
    monkeypatch.setenv("DATABASE_URL", domain_url)
    monkeypatch.setenv("KIOSK_SERVER_DATA_DIR", str(tmp_path / "server-data"))
    current_settings.cache_clear()
    try:
        yield current_settings()
    finally:
        current_settings.cache_clear()


@pytest.fixture
def sessions(settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@pytest.fixture
def db(sessions) -> Iterator[Session]:
    with sessions() as session:
        yield session
