"""The schema comes only from Alembic: the migrations build exactly what the models describe, and go back down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import server.core.models  # noqa: F401  (its tables in Base.metadata, as in the migrations' env.py)
from server.core.db import make_engine
from server.fleet.models import Base
from tests.live_server import ROOT, run_cli, server_env

pytestmark = pytest.mark.postgresql  # the dialect matters: the migrations

ALEMBIC = Path(sys.executable).with_name("alembic")


def _schema_differences(database_url: str) -> list:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def test_the_migrations_build_the_schema_of_the_models(database_url, tmp_path):
    assert run_cli(server_env(database_url, tmp_path), "init").returncode == 0
    assert _schema_differences(database_url) == []


def test_the_migrations_go_down_to_nothing_and_up_again(database_url, tmp_path):
    env = server_env(database_url, tmp_path)
    assert run_cli(env, "init").returncode == 0
    down = subprocess.run([str(ALEMBIC), "-c", "server/alembic.ini", "downgrade", "base"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert down.returncode == 0, down.stderr
    engine = make_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert run_cli(env, "init").returncode == 0
    assert _schema_differences(database_url) == []
