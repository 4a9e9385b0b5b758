"""What a piece of server code asks the database, statement by statement: the time of each and its plan (EXPLAIN
QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL), for the benchmarks' --explain."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class Statement:
    sql: str
    parameters: object
    milliseconds: float = 0.0


def statements_of(engine: Engine, work: Callable[[], object]) -> list[Statement]:
    """Run ``work`` and return every statement it sent through ``engine``, with its time."""
    seen: list[Statement] = []
    started: list[float] = []

    def before(connection, cursor, sql, parameters, context, executemany) -> None:
        seen.append(Statement(sql, parameters))
        started.append(time.perf_counter())

    def after(connection, cursor, sql, parameters, context, executemany) -> None:
        seen[-1].milliseconds = (time.perf_counter() - started[-1]) * 1000

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return seen


def plan(engine: Engine, statement: Statement) -> list[str]:
    """The database's plan of the statement, one line per step."""
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute(prefix + statement.sql, statement.parameters)
        rows = cursor.fetchall()
    # SQLite: (id, parent, notused, detail); PostgreSQL: one text column.
    return [row[0] if postgres else row[3] for row in rows]


def print_statements(engine: Engine, label: str, work: Callable[[], object]) -> None:
    """Each statement ``work`` sends, its time and its plan, after a first untimed run (caches warm)."""
    work()
    print(f"  {label}:")
    for statement in statements_of(engine, work):
        if not statement.sql.lstrip().upper().startswith("SELECT"):
            continue
        print(f"    {statement.milliseconds:7.1f} ms  {' '.join(statement.sql.split())[:150]}")
        for line in plan(engine, statement):
            print(f"               {line}")
