"""The server benchmarks' two databases: a SQLite file, then a private PostgreSQL cluster where installed."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.server_fixtures import PostgresCluster, postgres_installed

# measure(name, database_url, work directory) -> whether its target was met.
Measure = Callable[[str, str, Path], bool]


DATABASES = ("sqlite", "postgresql")


def on_each_database(prefix: str, measure: Measure, databases: tuple[str, ...] = DATABASES) -> int:
    """Run ``measure`` on SQLite and on PostgreSQL (skipped, said so, when it is not installed), or on those of
    ``databases``; the exit code."""
    met = []
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        workdir = Path(tmp)
        if "sqlite" in databases:
            met.append(measure("SQLite", f"sqlite:///{workdir / 'sqlite' / 'server.sqlite'}", workdir / "sqlite"))
        if "postgresql" not in databases:
            return 0 if all(met) else 1
        with postgres_database() as database_url:
            if database_url is None:
                print("PostgreSQL: skipped: PostgreSQL not installed (apt-get install -y postgresql)")
            else:
                met.append(measure("PostgreSQL", database_url, workdir / "postgresql"))
    return 0 if all(met) else 1


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A database in a private cluster with fsync on (None when PostgreSQL is not installed), gone afterwards."""
    if not postgres_installed():
        yield None
        return
    cluster = PostgresCluster(durable=True)
    try:
        yield _bench_database(cluster)
    finally:
        cluster.stop()


def _bench_database(cluster: PostgresCluster) -> str:
    with psycopg.connect(cluster.admin_url, autocommit=True) as connection:
        connection.execute('CREATE DATABASE "kiosk_bench"')
    return "postgresql+psycopg://" + cluster.admin_url.split("://", 1)[1].rsplit("/", 1)[0] + "/kiosk_bench"
