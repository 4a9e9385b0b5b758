"""One transaction at a time for decisions about one key (a rate limiter's address, a person's bookings of a day):
a check and the write it allows must not interleave with another's. PostgreSQL: a transaction-level advisory lock
of that key alone, released at commit or rollback. SQLite: nothing to do, every transaction already holds the
database's write lock from its start (server/core/db.py)."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def lock_key(db: Session, scope: str, key: str) -> None:
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(func.pg_advisory_xact_lock(_advisory_key(scope, key))))


def _advisory_key(scope: str, key: str) -> int:
    """A signed 64-bit advisory lock key."""
    digest = hashlib.blake2b(f"{scope}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
