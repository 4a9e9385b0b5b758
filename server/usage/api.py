"""Usage figures for staff: /api/v1/admin/usage/... (JSON; the same figures as the console's Usage page)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, status

from common.catalogue import CODE_PATTERN
from common.wire import Id
from server.api.deps import CurrentAdmin, CurrentStaff, DbSession, Settings
from server.core.clock import utcnow
from server.usage import popularity, search_gaps
from server.usage.queries import UsageFigures, UsageFilter, UsageFilterError, figures, local_today, visits_by_terminal
from server.usage.schemas import (
    DayCount,
    KeyCount,
    PopularityOut,
    PopularityPin,
    SearchGapAlias,
    SearchGapDismiss,
    SearchGapOut,
    TerminalVisits,
    UsageBreakdownOut,
    UsageHeatOut,
    UsageSummaryOut,
)

router = APIRouter(prefix="/admin/usage", tags=["admin"])


def usage_filter(settings: Settings, first_day: date | None = None, last_day: date | None = None,
                 terminal_id: Id | None = None, group_id: Id | None = None) -> UsageFilter:
    """Local days, both included; default the last 90 days. One terminal, one group, or (neither) the fleet."""
    try:
        return UsageFilter.make(local_today(settings.timezone, utcnow()), first_day, last_day, terminal_id, group_id)
    except UsageFilterError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None


Filter = Annotated[UsageFilter, Depends(usage_filter)]


def summary_of(found: UsageFigures, wanted: UsageFilter) -> UsageSummaryOut:
    searches = found.counts["search"]
    return UsageSummaryOut(
        first_day=wanted.first_day, last_day=wanted.last_day, terminal_id=wanted.terminal_id,
        group_id=wanted.group_id, visits=found.visits, median_visit_seconds=found.median_seconds,
        guides_viewed=found.views, takeaway_rate=found.takeaway_rate,
        large_text_share=found.share("large_text", "yes"), searches=searches["all"],
        searches_without_results=searches["empty"], searches_not_opened=searches["unopened"],
        checkins=found.counts["checkins"][""], feedback=found.counts["feedback"][""])


def _pairs(items: list[tuple[str, int]]) -> list[KeyCount]:
    return [KeyCount(key=key, count=count) for key, count in items]


@router.get("/summary")
def summary(staff: CurrentStaff, db: DbSession, wanted: Filter) -> UsageSummaryOut:
    return summary_of(figures(db, wanted), wanted)


@router.get("/days")
def per_day(staff: CurrentStaff, db: DbSession, wanted: Filter) -> list[DayCount]:
    return [DayCount(day=day, visits=visits) for day, visits in sorted(figures(db, wanted).per_day.items())]


@router.get("/heat")
def heat(staff: CurrentStaff, db: DbSession, wanted: Filter) -> UsageHeatOut:
    return UsageHeatOut(visits=figures(db, wanted).heat)


@router.get("/breakdown")
def breakdown(staff: CurrentStaff, db: DbSession, wanted: Filter) -> UsageBreakdownOut:
    found = figures(db, wanted)
    return UsageBreakdownOut(
        modules=_pairs(found.tally("module")), services=_pairs(found.tally("view")),
        found_by=_pairs(found.tally("via")), languages=_pairs(found.tally("language")),
        large_text=_pairs(found.tally("large_text")), ended=_pairs(found.tally("ended")),
        takeaway=_pairs(found.tally("takeaway")))


@router.get("/terminals")
def terminals(staff: CurrentStaff, db: DbSession, wanted: Filter) -> list[TerminalVisits]:
    return [TerminalVisits(terminal_id=t, name=name, visits=n) for t, name, n in visits_by_terminal(db, wanted)]


@router.get("/search-gaps")
def gaps(staff: CurrentStaff, db: DbSession, wanted: Filter, include_dismissed: bool = False) -> list[SearchGapOut]:
    """Searches that found nothing or whose results nobody opened, typed in at least 3 different visits."""
    return [SearchGapOut(query=g.query, visits=g.visits, without_results=g.nothing, not_opened=g.unopened,
                         terminals=g.terminals, action=g.action, service_code=g.service_code, fixed=g.fixed)
            for g in search_gaps.search_gaps(db, wanted, include_dismissed)]


def _refused(exc: search_gaps.SearchGapRefused) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"{exc.field}: {exc}")


@router.post("/search-gaps/alias", status_code=status.HTTP_204_NO_CONTENT)
def add_alias(body: SearchGapAlias, staff: CurrentStaff, db: DbSession) -> None:
    """Add the query as an alias of the service: a new catalogue version, fetched by the terminals' next sync."""
    try:
        search_gaps.add_alias(db, body.query, body.service_code, staff.username)
    except search_gaps.SearchGapRefused as exc:
        db.rollback()
        raise _refused(exc) from None
    db.commit()


@router.post("/search-gaps/dismiss", status_code=status.HTTP_204_NO_CONTENT)
def dismiss(body: SearchGapDismiss, staff: CurrentStaff, db: DbSession) -> None:
    try:
        search_gaps.dismiss(db, body.query, staff.username)
    except search_gaps.SearchGapRefused as exc:
        db.rollback()
        raise _refused(exc) from None
    db.commit()


@router.get("/popularity")
def popularity_list(staff: CurrentStaff, db: DbSession, settings: Settings) -> list[PopularityOut]:
    """Views over the last 30 days across the fleet, and the pinned value where an administrator set one."""
    views = popularity.views_by_service(db, local_today(settings.timezone, utcnow()))
    pinned = popularity.pins(db)
    codes = sorted(set(views) | set(pinned), key=lambda code: (-views.get(code, 0), code))
    return [PopularityOut(service_code=code, views_30_days=views.get(code, 0), pinned=pinned.get(code))
            for code in codes]


@router.put("/popularity/{service_code}", status_code=status.HTTP_204_NO_CONTENT)
def pin_popularity(service_code: Annotated[str, Path(max_length=20, pattern=CODE_PATTERN)], body: PopularityPin,
                   admin: CurrentAdmin, db: DbSession, settings: Settings) -> None:
    """Pin a service's popularity (null: back to its views); the catalogue changes at once."""
    now = utcnow()
    try:
        popularity.pin(db, service_code, body.popularity, admin.username, local_today(settings.timezone, now), now)
    except LookupError:
        db.rollback()
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such service in the catalogue") from None
    db.commit()
