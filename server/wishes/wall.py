"""The wall the terminals show (wire.WishWall) and its ETag: published wishes, open ones first, then claimed,
then fulfilled, newest first within each; this year's counts in the centre's time zone."""

from __future__ import annotations

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common import wire
from common.catalogue import Text
from server.core import read_cache
from server.volunteers.models import VolunteerTeam
from server.wishes.models import PUBLIC_STATUSES, Wish

# The wall is a lobby screen, not an archive: the newest fulfilled ones are enough to thank.
MAX_CARDS = 60
_ORDER = {"open": 0, "claimed": 1, "fulfilled": 2}


def etag(db: Session, now: datetime, zone: ZoneInfo) -> str:
    """Changes with any published wish's change, and with the year (the counts)."""
    count, latest, teams = read_cache.cached_read(db, "wishes_etag", (Wish.__tablename__, VolunteerTeam.__tablename__),
                                                  lambda: _etag_counts(db))
    seed = f"{count}|{latest}|{teams}|{now.astimezone(zone).year}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def _etag_counts(db: Session) -> tuple[int, datetime | None, int]:
    count, latest = db.execute(select(func.count(Wish.id), func.max(Wish.updated_at))
                               .where(Wish.status.in_(PUBLIC_STATUSES))).one()
    return count, latest, db.scalar(select(func.count(VolunteerTeam.id))) or 0


def _year_start(now: datetime, zone: ZoneInfo) -> datetime:
    return datetime(now.astimezone(zone).year, 1, 1, tzinfo=zone)


def counts(db: Session, now: datetime, zone: ZoneInfo) -> wire.WishCounts:
    """Posted: published this year; claimed: claimed this year (fulfilled ones too); fulfilled this year."""
    start = _year_start(now, zone)
    published = db.scalar(select(func.count(Wish.id)).where(Wish.status.in_(PUBLIC_STATUSES),
                                                            Wish.published_at >= start)) or 0
    claimed = db.scalar(select(func.count(Wish.id)).where(Wish.status.in_(("claimed", "fulfilled")),
                                                          Wish.claimed_at >= start)) or 0
    fulfilled = db.scalar(select(func.count(Wish.id)).where(Wish.status == "fulfilled",
                                                            Wish.fulfilled_at >= start)) or 0
    return wire.WishCounts(year=start.year, posted=published, claimed=claimed, fulfilled=fulfilled)


def wall(db: Session, now: datetime, zone: ZoneInfo) -> wire.WishWall:
    tag = etag(db, now, zone)
    teams = {team.id: Text(zh=team.name_zh, en=team.name_en) for team in db.scalars(select(VolunteerTeam))}
    wishes = sorted(db.scalars(select(Wish).where(Wish.status.in_(PUBLIC_STATUSES))),
                    key=lambda wish: (_ORDER[wish.status], -(wish.published_at or wish.posted_at).timestamp()))
    cards = [wire.WishCard(
        id=wish.id, status=wish.status, title=wish.title, for_whom=wish.for_whom,
        posted_on=(wish.published_at or wish.posted_at).astimezone(zone).date(),
        team=teams.get(wish.claim_team_id) if wish.claim_team_id else None,
        fulfilled_on=wish.fulfilled_at.astimezone(zone).date() if wish.fulfilled_at else None,
        path=f"/w/{wish.id}") for wish in wishes[:MAX_CARDS]]
    return wire.WishWall(etag=tag, generated_at=now, counts=counts(db, now, zone), cards=cards)
