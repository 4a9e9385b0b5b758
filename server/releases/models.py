"""The releases domain's tables: uploaded releases, rollouts, and what each terminal reported of an update."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from server.core.clock import utcnow
from server.fleet.models import Base


class Release(Base):
    """One uploaded kiosk release; the archive is kept in the database so a backup holds it too."""

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    notes: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # Only read when a terminal downloads it.
    archive: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rollout(Base):
    """A release sent to all terminals, a group or one terminal: first to the canary, then to the rest."""

    __tablename__ = "rollouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(16))  # all | group | terminal
    target: Mapped[str] = mapped_column(String(60))  # "" | group name | terminal id
    canary_terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"))
    # How long the canary must heartbeat healthy on the release before the rest get it.
    canary_minutes: Mapped[int] = mapped_column(Integer)
    # active | halted (the canary rolled back or refused) | cancelled
    status: Mapped[str] = mapped_column(String(16))
    halted_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UpdateReport(Base):
    """One terminal's word on one release: installed (and confirmed healthy), rolled back, refused, failed."""

    __tablename__ = "update_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminals.id", ondelete="CASCADE"), index=True)
    rollout_id: Mapped[int | None] = mapped_column(ForeignKey("rollouts.id", ondelete="SET NULL"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
