"""The volunteer teams' tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.fleet.models import Base


class VolunteerTeam(Base):
    __tablename__ = "volunteer_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # stable, for links and imports
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    description_zh: Mapped[str] = mapped_column(String(400), default="")
    description_en: Mapped[str] = mapped_column(String(600), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VolunteerMember(Base):
    """A team's member; a phone number is on one team at most. Sign-ups to a volunteer activity whose phone is
    on no team join the activity's team (server/volunteers/members.py)."""

    __tablename__ = "volunteer_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    organisation: Mapped[str] = mapped_column(String(120), default="")
    leader: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(8))  # console | signup | demo
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VolunteerHoursEdit(Base):
    """The minutes a leader or an administrator set for one sign-up (someone forgot to scan out, or scanned out
    late); they replace the minutes counted from the scans. Every edit is also in the audit log."""

    __tablename__ = "volunteer_hours_edits"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    minutes: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    edited_by: Mapped[str] = mapped_column(String(80))
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)
