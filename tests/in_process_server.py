"""The real server app under uvicorn on a real loopback socket, in a thread of the test process.

One per database and test session: ``kiosk-server init`` and ``create-admin`` run once, the administrator signs in
once, and a snapshot of every table is taken. Before each test ``reset()`` puts the tables back as they were
then (rate limiters' counts included: they are rows too) and serves a freshly built app, with the test's own
settings if it asks for some. A test costs milliseconds of set-up instead of three processes started. Tests that kill the process use ``ServerProcess`` (tests/live_server.py).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import Engine, MetaData, Table, func, select, text

from server.accounts import users as accounts
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.main import create_app
from tests.live_server import ADMIN_USERNAME, LiveServer, server_env

GRACEFUL_STOP_SECONDS = 5
SERVER_LOGGERS = ("server", "uvicorn.error")


class _CurrentApp:
    """The ASGI app uvicorn serves: whichever app the current test runs against."""

    app: Any = None

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)


class _LogLines(logging.Handler):
    """What the server logs during one test, for ``log_text()``."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass(frozen=True)
class Snapshot:
    """Every row of every table (but Alembic's) in foreign-key order."""

    tables: list[Table]
    rows: dict[str, list[dict]]

    @classmethod
    def take(cls, engine: Engine) -> Snapshot:
        metadata = MetaData()
        metadata.reflect(engine)
        tables = [table for table in metadata.sorted_tables if table.name != "alembic_version"]
        with engine.connect() as connection:
            rows = {table.name: [dict(row._mapping) for row in connection.execute(select(table))] for table in tables}
        return cls(tables, rows)

    def restore(self, engine: Engine) -> None:
        """Empty every table and put the snapshot's rows back, id counters included, in one transaction."""
        postgresql = engine.dialect.name == "postgresql"
        with engine.begin() as connection:
            if postgresql:
                names = ", ".join(f'"{table.name}"' for table in self.tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(self.tables):
                    connection.execute(table.delete())
                if connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
                    connection.execute(text("DELETE FROM sqlite_sequence"))
            for table in self.tables:
                if self.rows[table.name]:
                    connection.execute(table.insert(), self.rows[table.name])
            if postgresql:
                for table in self.tables:
                    _resume_id_sequence(connection, table)


def _resume_id_sequence(connection, table: Table) -> None:
    """After restored rows, a serial id goes on from the largest one (PostgreSQL does not do this by itself)."""
    for column in table.primary_key.columns:
        sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                     {"table": f'"{table.name}"', "column": column.name})
        if sequence is not None:
            largest = connection.scalar(select(func.max(column)))
            connection.execute(text("SELECT setval(:sequence, :value, :called)"),
                               {"sequence": sequence, "value": largest or 1, "called": largest is not None})


class InProcessServer(LiveServer):
    """The server app in this process; ``reset(settings)`` before each test."""

    def __init__(self, database_url: str, data_dir: Path):
        data_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(database_url, data_dir, server_env(database_url, data_dir), ADMIN_USERNAME)
        self._current = _CurrentApp()
        self._apps: dict[tuple, Any] = {}
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._engine = make_engine(database_url)
        self._log = _LogLines()
        for name in SERVER_LOGGERS:
            logging.getLogger(name).addHandler(self._log)
        self.run_cli("init")
        self.run_cli("create-admin", self.admin_username, "--role", "admin", stdin=self.admin_password + "\n")
        self._serve_app({})
        self.start()
        self.admin_token = self.login()
        self._snapshot = Snapshot.take(self._engine)

    def add_account(self, username: str, password: str, role: str = "admin") -> None:
        """As ``kiosk-server create-admin`` does (the same account rules), without starting a process."""
        with make_session_factory(self._engine)() as db:
            accounts.create_account(db, username, role, password, "tests")
            db.commit()

    def reset(self, settings: dict[str, Any]) -> None:
        """The database as it was after set-up, a new app with ``settings`` over the defaults, serving."""
        self._serve_app(settings)
        self._snapshot.restore(self._engine)
        self._log.lines.clear()
        if not self.running:
            self.start()

    def _serve_app(self, settings: dict[str, Any]) -> None:
        key = tuple(sorted(settings.items()))
        if key not in self._apps:
            self._apps[key] = create_app(ServerSettings(database_url=self.database_url,
                                                        kiosk_server_data_dir=self.data_dir, **settings))
        self._current.app = self._apps[key]

    def start(self) -> None:
        # lifespan="off": the app is swapped under a running server, so its start-up and shutdown are ours.
        config = uvicorn.Config(self._current, host="127.0.0.1", port=self.port, lifespan="off",
                                log_level="warning", timeout_graceful_shutdown=GRACEFUL_STOP_SECONDS)
        self._uvicorn = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._uvicorn.run, name=f"server-{self.port}", daemon=True)
        self._thread.start()
        self.wait_until_healthy(lambda: self.running)

    def stop(self) -> None:
        """As a service manager would stop it: open requests finish, then the socket closes."""
        if self._uvicorn is None or self._thread is None:
            return
        self._uvicorn.should_exit = True
        self._thread.join()
        self._uvicorn = self._thread = None

    def kill(self) -> None:
        raise NotImplementedError("a thread cannot die like a process: mark the test @pytest.mark.server_process")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def log_text(self) -> str:
        return "\n".join(self._log.lines)

    def close(self) -> None:
        self.stop()
        for name in SERVER_LOGGERS:
            logging.getLogger(name).removeHandler(self._log)
        for app in self._apps.values():
            app.state.sessions.kw["bind"].dispose()  # the lifespan that would do it is not run (see start)
        self._engine.dispose()
