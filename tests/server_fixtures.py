"""Pytest fixtures for the central server: ``database_url`` (SQLite and PostgreSQL) and ``live_server``.

PostgreSQL is $TEST_DATABASE_URL when set (its public schema is emptied before each test), else a private
throw-away cluster this session starts itself: initdb into a temporary directory (as the ``postgres``
system user when running as root), listening on 127.0.0.1 on a free port, one database per test.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.live_server import LiveServer, free_port, start_server

POSTGRES_MISSING = (
    "PostgreSQL is not installed, so the server's PostgreSQL tests cannot run: install it "
    "(`apt-get install -y postgresql`, which `make deps` does) or set TEST_DATABASE_URL"
)


def _postgres_bin(program: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else shutil.which(program)


def postgres_installed() -> bool:
    """Are initdb and pg_ctl here, so that a private cluster can start?"""
    return _postgres_bin("initdb") is not None and _postgres_bin("pg_ctl") is not None


class PostgresCluster:
    """A private PostgreSQL cluster in a temporary directory, gone when stopped.

    ``durable=True`` keeps PostgreSQL's default fsync settings (for benchmarks that compare with SQLite's).
    """

    def __init__(self, durable: bool = False) -> None:
        initdb, self._pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
        if initdb is None or self._pg_ctl is None:
            pytest.fail(POSTGRES_MISSING, pytrace=False)
        self.directory = Path(tempfile.mkdtemp(prefix="kiosk-tests-pg-"))
        self._as_postgres = os.geteuid() == 0  # PostgreSQL refuses to run as root
        if self._as_postgres:
            shutil.chown(self.directory, "postgres", "postgres")
        self.port = free_port()
        self._data = self.directory / "data"
        self._run(initdb, "-D", str(self._data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")
        # A throw-away cluster: unless durable, durability settings off for speed (no behaviour under test changes).
        speed = "" if durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} {speed}"
                   "-c max_connections=200")
        self._run(self._pg_ctl, "-D", str(self._data), "-l", str(self.directory / "postgres.log"), "-o", options,
                  "-w", "-t", "60", "start")
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")

    def stop(self) -> None:
        try:
            self._run(self._pg_ctl, "-D", str(self._data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str | None]:
    """A PostgreSQL URL with the right to create databases; None when $TEST_DATABASE_URL is used instead."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    cluster = PostgresCluster()
    try:
        yield cluster.admin_url
    finally:
        cluster.stop()


_database_numbers = itertools.count(1)


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty database for one test: a SQLite file, or a PostgreSQL database of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite'}"
        return
    shared = os.environ.get("TEST_DATABASE_URL")
    if shared:
        with psycopg.connect(shared.replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")
        yield _sqlalchemy_url(shared)
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    name = f"kiosk_test_{os.getpid()}_{next(_database_numbers)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _sqlalchemy_url(admin_url.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def live_server(database_url, tmp_path) -> Iterator[LiveServer]:
    """The real server in a subprocess on its own empty database, stopped after the test."""
    server = start_server(database_url, tmp_path / "server")
    try:
        yield server
    finally:
        server.stop()
        print(f"--- server log ({database_url.split(':')[0]}) ---\n{server.log_text()[-20_000:]}")  # shown if the test failed
