"""Values kept between requests: read once, read again after a commit of this process that wrote their table, and
after MAX_AGE_SECONDS for writes it cannot see (another process)."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import column, delete, event, insert, table, text, update

from server.core import read_cache
from server.core.db import make_engine, make_session_factory


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "kept.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_: statements.append(statement))
    sessions = make_session_factory(engine)
    with sessions() as db:
        db.execute(text("CREATE TABLE notices (id INTEGER PRIMARY KEY, body TEXT)"))
        db.execute(text("CREATE TABLE other (id INTEGER PRIMARY KEY)"))
        db.execute(text("INSERT INTO notices (body) VALUES ('first')"))
        db.commit()
    yield path, sessions, statements
    engine.dispose()


def _latest(sessions) -> str:
    with sessions() as db:
        value = read_cache.cached_read(db, "latest_notice", ("notices",), lambda: db.scalar(
            text("SELECT body FROM notices ORDER BY id DESC LIMIT 1")))
        db.commit()
        return value


def _reads(statements: list[str]) -> int:
    return sum(statement.startswith("SELECT body FROM notices") for statement in statements)


def test_a_kept_value_is_read_once_until_its_table_is_written(database):
    _, sessions, statements = database
    assert _latest(sessions) == "first"
    assert _latest(sessions) == "first"
    assert _reads(statements) == 1

    with sessions() as db:  # another table: the value stays
        db.execute(text("INSERT INTO other DEFAULT VALUES"))
        db.commit()
    assert _latest(sessions) == "first"
    assert _reads(statements) == 1

    with sessions() as db:  # rolled back: nothing changed, the value stays
        db.execute(text("INSERT INTO notices (body) VALUES ('never')"))
        db.rollback()
    assert _latest(sessions) == "first"
    assert _reads(statements) == 1


_notices = table("notices", column("id"), column("body"))


@pytest.mark.parametrize("statement", [
    insert(_notices).values(body="second"),
    update(_notices).values(body="second"),
    delete(_notices).where(_notices.c.body == "first"),
], ids=["insert", "update", "delete"])
def test_a_commit_writing_the_table_is_seen_by_the_next_read(database, statement):
    _, sessions, statements = database
    with sessions() as db:
        db.execute(insert(_notices).values(body="kept below"))
        db.execute(text("UPDATE notices SET id = 0 WHERE body = 'kept below'"))
        db.commit()
    assert _latest(sessions) == "first"
    with sessions() as db:
        db.execute(statement)
        db.commit()
    assert _latest(sessions) == ("kept below" if "DELETE" in str(statement) else "second")
    assert _reads(statements) == 2


def test_a_write_from_another_process_is_seen_once_the_value_is_old(database, monkeypatch):
    path, sessions, _ = database
    monkeypatch.setattr(read_cache, "MAX_AGE_SECONDS", 0.2)
    assert _latest(sessions) == "first"
    with sqlite3.connect(path) as elsewhere:  # not through the engine: as another process writes
        elsewhere.execute("INSERT INTO notices (body) VALUES ('from elsewhere')")
    assert _latest(sessions) == "first"
    time.sleep(0.25)
    assert _latest(sessions) == "from elsewhere"
