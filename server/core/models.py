"""Tables of the server's own machinery, shared by every server process: the rate limiters' attempts and what
retention deleted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.fleet.models import Base


class RateLimitHit(Base):
    """One counted attempt of a rate limiter (``scope``: which limiter; ``key``: whose, e.g. a client address).
    Rows older than the limiter's window are deleted as the key is counted again, the rest by retention."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (Index("ix_rate_limit_hits_scope_key_at", "scope", "key", "at"),
                      Index("ix_rate_limit_hits_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class PrunedCount(Base):
    """How many rows of a kind retention deleted, by day and by what the statistics group them by (``key``):
    statistics outlive the rows."""

    __tablename__ = "pruned_counts"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    # What the statistics group the rows by (server/retention.py's tallies); "" for a kind counted by day alone.
    key: Mapped[str] = mapped_column(String(120), primary_key=True, server_default="")
    count: Mapped[int] = mapped_column(Integer)
