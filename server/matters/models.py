"""The building-matters tables (楼事楼议): matters, their progress notes, the joint meetings and their decisions,
and the versions of the building convention (富力共识)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.fleet.models import Base, FeedbackItem


class Meeting(Base):
    """A monthly joint meeting (党建联席会议) of the building's member units."""

    __tablename__ = "matter_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(120))
    attendees: Mapped[str] = mapped_column(Text)
    minutes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Matter(Base):
    """A building matter: raised, taken up by a meeting that assigns it to a member unit, tracked to done."""

    __tablename__ = "matters"
    __table_args__ = (Index("ix_matters_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    # Who raised it, as staff know them; the public see it masked (matters.public_name).
    raised_by: Mapped[str] = mapped_column(String(60))
    # kiosk | console | feedback
    raised_via: Mapped[str] = mapped_column(String(16))
    feedback_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="SET NULL"), unique=True)
    # operator | property | company | department | street (matters.UNIT_KINDS); empty until assigned.
    unit_kind: Mapped[str] = mapped_column(String(16))
    unit_name: Mapped[str] = mapped_column(String(80))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("matter_meetings.id", ondelete="SET NULL"))
    deadline: Mapped[date | None]
    # raised | assigned | in_progress | resolved | declined
    status: Mapped[str] = mapped_column(String(16))
    resolution: Mapped[str] = mapped_column(Text)
    decline_reason: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    meeting: Mapped[Meeting | None] = relationship(lazy="joined")
    feedback_item: Mapped[FeedbackItem | None] = relationship(lazy="joined")


class MatterNote(Base):
    """A progress note on a matter; ``public`` ones show on the kiosk board under an open matter."""

    __tablename__ = "matter_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    public: Mapped[bool]
    created_at: Mapped[datetime]


class MeetingDecision(Base):
    """What a meeting decided about a matter: the member unit it is assigned to and by when."""

    __tablename__ = "matter_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("matter_meetings.id", ondelete="CASCADE"), index=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(Text)
    unit_kind: Mapped[str] = mapped_column(String(16))
    unit_name: Mapped[str] = mapped_column(String(80))
    deadline: Mapped[date | None]
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]

    matter: Mapped[Matter] = relationship(lazy="joined")
    meeting: Mapped[Meeting] = relationship(lazy="joined")


class ConventionVersion(Base):
    """One version of the building convention; the newest is the one in force. Versions are never edited."""

    __tablename__ = "convention_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    preamble: Mapped[str] = mapped_column(Text)
    # [{"title": "公共安全", "text": "…"}]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
