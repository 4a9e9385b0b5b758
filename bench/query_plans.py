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


def statements_of(engine: Engine, work: Callable[[], object]) -> list[Statement]:
    """Run ``work`` and return every statement it sent through ``engine``."""
    seen: list[Statement] = []

    def before(connection, cursor, sql, parameters, context, executemany) -> None:
        seen.append(Statement(sql, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return seen


def _run(engine: Engine, sql: str, parameters: object) -> tuple[list, float]:
    """The rows of ``sql`` and the milliseconds to execute it and fetch them all (SQLite computes while fetching)."""
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        started = time.perf_counter()
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
        return rows, (time.perf_counter() - started) * 1000


def plan(engine: Engine, statement: Statement) -> list[str]:
    """The database's plan of the statement, one line per step."""
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    rows, _ = _run(engine, prefix + statement.sql, statement.parameters)
    # SQLite: (id, parent, notused, detail); PostgreSQL: one text column.
    return [row[0] if postgres else row[3] for row in rows]


def print_statements(engine: Engine, label: str, work: Callable[[], object], runs: int = 3) -> None:
    """Each SELECT ``work`` sends: its best time of ``runs`` (caches warm) and its plan."""
    print(f"  {label}:")
    for statement in statements_of(engine, work):
        if not statement.sql.lstrip().upper().startswith("SELECT"):
            continue
        best = min(_run(engine, statement.sql, statement.parameters)[1] for _ in range(runs))
        print(f"    {best:7.1f} ms  {' '.join(statement.sql.split())[:150]}")
        for line in plan(engine, statement):
            print(f"               {line}")
