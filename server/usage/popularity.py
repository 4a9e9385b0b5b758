"""Popularity from use: each service's ``popularity`` in the catalogue becomes its views over the last 30 days
across the fleet (an administrator may pin a service's value instead). A new catalogue version is stored only
when a value changes, at most once a day by the usage job or at once when a pin changes; the terminals rank the
home screen's shortcuts and equal search matches by it.

Until the fleet has viewed guides ``MIN_VIEWS`` times in the window, the catalogue's own numbers stay: a new
installation keeps its hand-made ranking rather than every service at 0.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from server.audit.log import audit
from server.fleet import catalogues
from server.fleet.models import CatalogueVersion
from server.usage.models import FLEET, UsageCount, UsagePopularityPin

WINDOW_DAYS = 30
MIN_VIEWS = 100
MAX_POPULARITY = 100_000  # common.catalogue.Service.popularity's bound
SOURCE = "usage: popularity from views"
ACTOR = "usage"


def views_by_service(db: Session, today: date) -> dict[str, int]:
    rows = db.execute(select(UsageCount.key, func.sum(UsageCount.count))
                      .where(UsageCount.terminal_id == FLEET, UsageCount.metric == "view",
                             UsageCount.day.between(today - timedelta(days=WINDOW_DAYS - 1), today))
                      .group_by(UsageCount.key))
    return {code: int(views) for code, views in rows}


def pins(db: Session) -> dict[str, int]:
    return {pin.service_code: pin.popularity for pin in db.scalars(select(UsagePopularityPin))}


def popularity(views: dict[str, int], pinned: dict[str, int], codes: list[str]) -> dict[str, int]:
    """Each service's popularity: pinned, else its views (scaled down together if the most viewed exceeds the
    catalogue's bound, so the order holds)."""
    top = max(views.values(), default=0)
    scale = MAX_POPULARITY / top if top > MAX_POPULARITY else 1
    return {code: pinned[code] if code in pinned else int(views.get(code, 0) * scale) for code in codes}


def update_catalogue(db: Session, today: date, now: datetime, actor: str = ACTOR) -> CatalogueVersion | None:
    """A new catalogue version with popularity from use, if any value changes; None when nothing changed."""
    current = catalogues.current(db)
    if current is None:
        return None
    document = json.loads(current.document)
    codes = [service["code"] for service in document["services"]]
    views, pinned = views_by_service(db, today), pins(db)
    if sum(views.values()) < MIN_VIEWS:
        views = {service["code"]: service["popularity"] for service in document["services"]}
    wanted = popularity(views, pinned, codes)
    if all(service["popularity"] == wanted[service["code"]] for service in document["services"]):
        return None
    for service in document["services"]:
        service["popularity"] = wanted[service["code"]]
    document["version"] = f"usage-{now:%Y%m%dT%H%M%SZ}"
    return catalogues.store(db, document, actor, SOURCE)


def is_due(db: Session, now: datetime) -> bool:
    """Once a day: when no version from use was stored in the last 24 hours."""
    last = db.scalar(select(func.max(CatalogueVersion.imported_at)).where(CatalogueVersion.imported_by == ACTOR))
    return last is None or now - last >= timedelta(days=1)


def pin(db: Session, service_code: str, value: int | None, actor: str, today: date, now: datetime) -> None:
    """Pin a service's popularity (None: unpin, back to its views) and publish the change at once; LookupError
    for a service the current catalogue lacks."""
    current = catalogues.current(db)
    if current is None or not any(s["code"] == service_code for s in json.loads(current.document)["services"]):
        raise LookupError(service_code)
    if value is None:
        db.execute(delete(UsagePopularityPin).where(UsagePopularityPin.service_code == service_code))
    else:
        if not 0 <= value <= MAX_POPULARITY:
            raise ValueError(f"popularity must be between 0 and {MAX_POPULARITY}")
        row = db.get(UsagePopularityPin, service_code) or UsagePopularityPin(service_code=service_code)
        row.popularity, row.actor, row.pinned_at = value, actor, now
        db.add(row)
    db.flush()
    audit(db, actor, "usage.popularity.pin", f"service:{service_code}", popularity=value)
    update_catalogue(db, today, now, actor)
