"""Request dependencies: the database session a route gets."""

from __future__ import annotations

import asyncio

from sqlalchemy import make_url

from server.core import db as db_module
from server.core.config import ServerSettings
from server.main import create_app
from tests.server.calls import enrolled_terminal


def test_the_session_is_closed_before_the_answer_goes_out(live_server):
    """On SQLite a session holds the write lock until it closes, even one that only read: a terminal slow to take
    in the catalogue (400 KB) would hold every other terminal's call up while its answer went out."""
    terminal = enrolled_terminal(live_server)
    app = create_app(ServerSettings(database_url=live_server.database_url,
                                    kiosk_server_data_dir=live_server.data_dir))
    write_lock = db_module._write_lock(make_url(live_server.database_url).database)
    answers: list[tuple[int, bool]] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            answers.append((message["status"], write_lock.locked()))

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/api/v1/terminal/catalogue", "raw_path": b"/api/v1/terminal/catalogue", "query_string": b"",
             "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
             "headers": [(b"host", b"localhost"), (b"authorization", f"Bearer {terminal.token}".encode())]}
    asyncio.run(app(scope, receive, send))
    assert answers == [(200, False)]
