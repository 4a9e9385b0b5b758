"""The building-matters board a terminal shows (wire.MattersBoard) and its ETag, carried by every heartbeat.

The ETag is a few aggregate queries: it changes with any matter, public note or convention version, and daily
(the year's counts and the overdue flags follow the date)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common import wire
from server.core import read_cache
from server.core.config import current_settings
from server.matters import convention
from server.matters.matters import OPEN_STATUSES, is_overdue, public_name
from server.matters.models import ConventionVersion, Matter, MatterNote

# The board's lists at most (the wire's limit); the newest resolved first.
MAX_RESOLVED = 60
MAX_OPEN = 60


def _today(now: datetime) -> date:
    return now.astimezone(ZoneInfo(current_settings().timezone)).date()


def etag(db: Session, now: datetime) -> str:
    tables = (Matter.__tablename__, MatterNote.__tablename__, ConventionVersion.__tablename__)
    parts = (_today(now).isoformat(), read_cache.cached_read(db, "matters_etag", tables, lambda: (
        tuple(db.execute(select(func.count(), func.max(Matter.updated_at))).one()),
        db.scalar(select(func.max(MatterNote.id))),
        db.scalar(select(func.max(ConventionVersion.id))),
    )))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _latest_public_notes(db: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    notes = db.execute(select(MatterNote.matter_id, MatterNote.text).where(
        MatterNote.matter_id.in_(ids), MatterNote.public.is_(True)).order_by(MatterNote.id)).all()
    return {matter_id: text for matter_id, text in notes}  # the last one of each wins


def _shown(matter: Matter, progress: str, today: date) -> wire.BoardMatter:
    return wire.BoardMatter(
        id=matter.id, title=matter.title, description=matter.description, raised_by=public_name(matter),
        raised_via=matter.raised_via, raised_at=matter.raised_at, status=matter.status,
        unit_kind=matter.unit_kind, unit_name=matter.unit_name,
        meeting_title=matter.meeting.title if matter.meeting else "", deadline=matter.deadline,
        resolution=matter.resolution, progress=progress, resolved_at=matter.resolved_at,
        overdue=is_overdue(matter, today))


def _convention(db: Session) -> wire.Convention | None:
    version = convention.current(db)
    if version is None:
        return None
    return wire.Convention(version=version.id, title=version.title, preamble=version.preamble,
                           items=[wire.ConventionItem.model_validate(item) for item in version.items],
                           updated_at=version.created_at)


def board(db: Session, now: datetime) -> wire.MattersBoard:
    """The etag is computed first, so the content is never older than its tag."""
    tag = etag(db, now)
    today = _today(now)
    zone = ZoneInfo(current_settings().timezone)
    year_start = datetime.combine(date(today.year, 1, 1), time(), zone)
    resolved = list(db.scalars(select(Matter).where(Matter.status == "resolved")
                               .order_by(Matter.resolved_at.desc(), Matter.id.desc()).limit(MAX_RESOLVED)))
    open_ = list(db.scalars(select(Matter).where(Matter.status.in_(OPEN_STATUSES))
                            .order_by(Matter.raised_at.desc(), Matter.id.desc()).limit(MAX_OPEN)))
    progress = _latest_public_notes(db, [matter.id for matter in open_])
    counts = wire.MatterCounts(
        year=today.year,
        raised=db.scalar(select(func.count()).where(Matter.raised_at >= year_start, Matter.status != "declined")) or 0,
        resolved=db.scalar(select(func.count()).where(Matter.resolved_at >= year_start,
                                                      Matter.status == "resolved")) or 0,
        open=db.scalar(select(func.count()).where(Matter.status.in_(OPEN_STATUSES))) or 0)
    return wire.MattersBoard(
        etag=tag, generated_at=now, counts=counts,
        resolved=[_shown(matter, "", today) for matter in resolved],
        open=[_shown(matter, progress.get(matter.id, ""), today) for matter in open_],
        convention=_convention(db))
