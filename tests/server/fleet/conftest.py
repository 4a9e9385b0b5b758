"""A database session for testing the fleet's rules directly: a SQLite file migrated the way `kiosk-server init`
does it (Alembic's upgrade to head, then the seed catalogue), no HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from server import cli
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory


@pytest.fixture
def server_settings(tmp_path, monkeypatch) -> ServerSettings:
    monkeypatch.setenv("KIOSK_SERVER_DATA_DIR", str(tmp_path / "server"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'server.sqlite'}")
    settings = ServerSettings()
    assert cli.init(settings) == 0  # migrations/env.py reads DATABASE_URL itself, as under the real command
    return settings


@pytest.fixture
def db(server_settings) -> Iterator[Session]:
    engine = make_engine(server_settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()
