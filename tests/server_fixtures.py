"""Pytest fixtures for the central server: ``database_url`` and ``live_server``, on SQLite, and on PostgreSQL too
for tests marked ``postgresql`` (where the dialect matters: locks, conflicts, migrations, statistics SQL).

``live_server`` is the real app under uvicorn on a loopback socket, in this process: one per database and
session, its data put back before each test (tests/in_process_server.py). Marks change it for one test:
``server_settings(name=value, ...)`` serves with those settings, ``server_process`` gives a ``kiosk-server
serve`` subprocess of its own instead (for tests that kill it).

PostgreSQL databases are made in the server at $TEST_DATABASE_URL (a role that may create databases) when set,
else in a private throw-away cluster this session starts itself: initdb into a temporary directory (as the
``postgres`` system user when running as root), listening on 127.0.0.1 on a free port.
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

from server.core.config import current_settings
from tests.in_process_server import InProcessServer
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
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL URL with the right to create databases: $TEST_DATABASE_URL, or a private cluster's."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"].replace("+psycopg", "")
        return
    cluster = PostgresCluster()
    try:
        yield cluster.admin_url
    finally:
        cluster.stop()


_database_numbers = itertools.count(1)
DATABASE_KINDS = ("sqlite", "postgresql")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "postgresql: runs on PostgreSQL as well as SQLite (the dialect matters)")
    config.addinivalue_line("markers", "server_settings(**settings): live_server serves with these settings")
    config.addinivalue_line("markers", "server_process: live_server is a kiosk-server subprocess of the test's own")


def pytest_generate_tests(metafunc) -> None:
    """``database_kind`` is SQLite, and PostgreSQL too where the test is marked ``postgresql``."""
    if "database_kind" not in metafunc.fixturenames:
        return
    explicit = any("database_kind" in _argnames(mark) for mark in metafunc.definition.iter_markers("parametrize"))
    if not explicit:
        kinds = DATABASE_KINDS if metafunc.definition.get_closest_marker("postgresql") else DATABASE_KINDS[:1]
        metafunc.parametrize("database_kind", kinds)


def _argnames(mark) -> list[str]:
    names = mark.args[0]
    return [name.strip() for name in names.split(",")] if isinstance(names, str) else list(names)


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def new_database(admin_url: str) -> str:
    name = f"kiosk_test_{os.getpid()}_{next(_database_numbers)}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return _sqlalchemy_url(admin_url.rsplit("/", 1)[0] + f"/{name}")


def drop_database(admin_url: str, url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture
def database_url(database_kind, request, tmp_path) -> Iterator[str]:
    """An empty database for one test: a SQLite file, or a PostgreSQL database of its own."""
    if database_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.sqlite'}"
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    url = new_database(admin_url)
    try:
        yield url
    finally:
        drop_database(admin_url, url)


@pytest.fixture(scope="session")
def in_process_servers(request, tmp_path_factory) -> Iterator[dict[str, InProcessServer]]:
    """The session's in-process servers by database kind, each made when a test first needs it.

    They share one data directory (its secrets): code that reads the settings from the environment
    (``current_settings``) finds it there, as the ``kiosk-server`` commands run against them do."""
    data_dir = tmp_path_factory.mktemp("server-data")
    os.environ["KIOSK_SERVER_DATA_DIR"] = str(data_dir)
    current_settings.cache_clear()

    def start(kind: str) -> InProcessServer:
        if kind == "sqlite":
            return InProcessServer(f"sqlite:///{data_dir / 'server.sqlite'}", data_dir)
        return InProcessServer(new_database(request.getfixturevalue("postgres_admin_url")), data_dir)

    servers = _MadeOnFirstUse(start)
    yield servers
    for server in servers.values():
        server.close()


class _MadeOnFirstUse(dict):
    def __init__(self, make) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key):
        self[key] = value = self._make(key)
        return value


@pytest.fixture
def live_server(database_kind, request) -> Iterator[LiveServer]:
    """The real server on a database holding only the seeded catalogue and the administrator."""
    if request.node.get_closest_marker("server_process"):
        database_url, tmp_path = request.getfixturevalue("database_url"), request.getfixturevalue("tmp_path")
        server = start_server(database_url, tmp_path / "server")
        try:
            yield server
        finally:
            server.stop()
            print(f"--- server log ({database_kind}) ---\n{server.log_text()[-20_000:]}")  # shown if the test failed
        return
    marker = request.node.get_closest_marker("server_settings")
    server = request.getfixturevalue("in_process_servers")[database_kind]
    server.reset(marker.kwargs if marker else {})
    yield server
    print(f"--- server log ({database_kind}) ---\n{server.log_text()[-20_000:]}")  # shown if the test failed
