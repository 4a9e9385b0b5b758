"""The schema comes only from Alembic: the migrations build exactly what the models describe, and go back down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from server.all_models import Base
from server.core.db import make_engine
from server.fleet import terminals
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


def _alembic(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(ALEMBIC), "-c", "server/alembic.ini", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_migrations_go_down_to_nothing_and_up_again(database_url, tmp_path):
    env = server_env(database_url, tmp_path)
    assert run_cli(env, "init").returncode == 0
    engine = make_engine(database_url)
    try:
        _usage_aggregates_are_filled_from_what_0015_kept(engine, env)
        _alembic(env, "downgrade", "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert run_cli(env, "init").returncode == 0
    assert _schema_differences(database_url) == []


def _usage_aggregates_are_filled_from_what_0015_kept(engine, env: dict[str, str]) -> None:
    """0016 moves the visits per terminal and day out of usage_counts into usage_daily (and back down), and fills
    the searches that found nothing per terminal, group and fleet from the raw searches."""
    with Session(engine) as db:
        lobby = terminals.create_terminal(db, "T1 大堂", "T1 一层大堂", "T1", "test")
        db.commit()
        lobby_id, group_id = lobby.id, lobby.group_id
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO usage_daily (terminal_id, day, visits) VALUES (7, '2026-12-01', 5)"))
    _alembic(env, "downgrade", "0015")
    counts = "SELECT terminal_id, metric, key, count FROM usage_counts"
    searches = [("v1", 0, None), ("v1", 0, None), ("v1", 3, None), ("v2", 0, None), ("v3", 3, "RS-001")]
    with engine.begin() as connection:
        assert list(connection.execute(text(counts))) == [(7, "visits", "", 5)]
        for record_id, results, opened in searches:
            connection.execute(text(
                "INSERT INTO usage_searches (terminal_id, record_id, started_at, day, query, results, top, opened) "
                "VALUES (:t, :r, '2026-12-01 02:00:00+00:00', '2026-12-01', '驾驶证', :n, '', :o)"),
                {"t": lobby_id, "r": record_id, "n": results, "o": opened})
    _alembic(env, "upgrade", "head")
    with engine.connect() as connection:
        assert list(connection.execute(text("SELECT terminal_id, visits FROM usage_daily"))) == [(7, 5)]
        assert list(connection.execute(text(counts))) == []
        gaps = "SELECT terminal_id, query, visits, no_results, unopened FROM usage_query_gaps ORDER BY terminal_id"
        assert list(connection.execute(text(gaps))) == [
            (-group_id, "驾驶证", 2, 3, 1), (0, "驾驶证", 2, 3, 1), (lobby_id, "驾驶证", 2, 3, 1)]
