"""Visits from the terminals (records of kind ``usage_visit``): each newly stored record becomes a raw visit, its
searches, and counts added to the aggregates per terminal, day and hour, in the transaction that stores the
record. A record stored twice is projected once (the record store hands over new records only).

A query that looks personal (common.usage_privacy) is dropped here too, whatever the terminal did.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.orm import Session

from common import wire
from common.usage_privacy import is_personal, normalise_query
from server.core.clock import as_utc
from server.core.config import current_settings
from server.core.db import adding_upsert, dialect_insert
from server.fleet import records
from server.fleet.models import Terminal
from server.usage.models import (
    FLEET,
    UsageCount,
    UsageDaily,
    UsageHourly,
    UsageQueryGap,
    UsageSearch,
    UsageVisit,
    group_key,
)

log = logging.getLogger(__name__)

# Visit lengths are counted in buckets of this many seconds (the median is read from them), up to an hour.
LENGTH_BUCKET_SECONDS = 10
LONGEST_BUCKET = 3600


def register_projections() -> None:
    records.register_projection("usage_visit", project)


def length_bucket(seconds: int) -> int:
    return min(seconds // LENGTH_BUCKET_SECONDS * LENGTH_BUCKET_SECONDS, LONGEST_BUCKET)


class _Tally:
    """The batch's counts, summed before they are added to the tables (one upsert per row, not per visit)."""

    def __init__(self) -> None:
        self.daily: Counter[tuple[int, date]] = Counter()
        self.hourly: Counter[tuple[int, date, int]] = Counter()
        self.seconds: Counter[tuple[int, date, int]] = Counter()
        self.counts: Counter[tuple[int, date, str, str]] = Counter()
        # (who, day, query) -> [visits, searches without results, searches with results none opened]
        self.gaps: dict[tuple[int, date, str], list[int]] = {}

    def visit(self, terminal: Terminal, day: date, hour: int, visit: wire.UsageVisitRecord,
              searches: list[dict]) -> None:
        counted, gaps = _counted(visit, searches), _gaps(searches)
        rollups = (terminal.id, FLEET) if terminal.group_id is None else (terminal.id, group_key(terminal.group_id),
                                                                          FLEET)
        for who in rollups:
            self.daily[who, day] += 1
            self.hourly[who, day, hour] += 1
            self.seconds[who, day, hour] += visit.seconds
            for metric, key, n in counted:
                self.counts[who, day, metric, key] += n
            for query, (nothing, unopened) in gaps.items():
                summed = self.gaps.setdefault((who, day, query), [0, 0, 0])
                summed[0], summed[1], summed[2] = summed[0] + 1, summed[1] + nothing, summed[2] + unopened


def _gaps(searches: list[dict]) -> dict[str, tuple[int, int]]:
    """Query -> (searches without results, searches with results none opened) of one visit's searches."""
    gaps: dict[str, tuple[int, int]] = {}
    for search in searches:
        if search["results"] == 0 or search["opened"] is None:
            nothing, unopened = gaps.get(search["query"], (0, 0))
            gaps[search["query"]] = (nothing + (search["results"] == 0), unopened + (search["results"] > 0))
    return gaps


def _counted(visit: wire.UsageVisitRecord, searches: list[dict]) -> list[tuple[str, str, int]]:
    """(metric, key, how many) of one visit."""
    counted = [("language", visit.language, 1),
               ("large_text", "yes" if visit.large_text else "no", 1), ("ended", visit.ended, 1),
               ("length", str(length_bucket(visit.seconds)), 1), ("checkins", "", visit.checkins),
               ("feedback", "", visit.feedback)]
    counted += [("module", module, 1) for module in set(visit.modules)]
    for view in visit.views:
        counted += [("view", view.code, 1), ("via", view.via, 1),
                    ("takeaway", "any" if view.qr_shown or view.printed else "none", 1),
                    ("takeaway", "print", int(view.printed)), ("takeaway", "qr", int(view.qr_shown))]
    for search in searches:
        counted.append(("search", "all", 1))
        if search["results"] == 0:
            counted.append(("search", "empty", 1))
        elif search["opened"] is None:
            counted.append(("search", "unopened", 1))
    return [item for item in counted if item[2]]


def project(db: Session, terminal: Terminal, rows: list[dict]) -> None:
    """Raw visit, searches and aggregates of each newly stored usage_visit record; an unreadable payload stays a
    stored record only."""
    zone = ZoneInfo(current_settings().timezone)
    visits, searches, tally = [], [], _Tally()
    for row in rows:
        try:
            visit = wire.UsageVisitRecord.model_validate(row["payload"])
        except ValidationError as exc:
            log.warning("usage record %s from terminal %s is unreadable: %s", row["id"], terminal.id,
                        exc.errors(include_url=False, include_input=False))
            continue
        started = as_utc(visit.started_at)
        local = started.astimezone(zone)
        day, hour = local.date(), local.hour
        visits.append({"terminal_id": terminal.id, "record_id": row["id"], "started_at": started, "day": day,
                       "hour": hour, "seconds": visit.seconds, "language": visit.language,
                       "large_text": visit.large_text, "ended": visit.ended})
        kept = _searches(terminal.id, row["id"], started, day, visit)
        searches.extend(kept)
        tally.visit(terminal, day, hour, visit, kept)
    if visits:
        db.execute(dialect_insert(db, UsageVisit).on_conflict_do_nothing(), visits)
    if searches:
        db.execute(dialect_insert(db, UsageSearch), searches)
    add_counts(db, tally)


def _searches(terminal_id: int, record_id: str, started: datetime, day: date,
              visit: wire.UsageVisitRecord) -> list[dict]:
    kept = []
    for search in visit.searches:
        query = normalise_query(search.query)
        if not query or is_personal(query):
            continue
        kept.append({"terminal_id": terminal_id, "record_id": record_id, "started_at": started, "day": day,
                     "query": query, "results": search.results, "top": ",".join(search.top),
                     "opened": search.opened})
    return kept


def add_counts(db: Session, tally: _Tally) -> None:
    """Add the batch's counts to the aggregates, in one order (concurrent batches lock rows alike)."""
    if tally.daily:
        db.execute(adding_upsert(db, UsageDaily, ("terminal_id", "day"), ("visits",)),
                   [{"terminal_id": t, "day": d, "visits": n} for (t, d), n in sorted(tally.daily.items())])
    if tally.hourly:
        db.execute(adding_upsert(db, UsageHourly, ("terminal_id", "day", "hour"), ("visits", "seconds")),
                   [{"terminal_id": t, "day": d, "hour": h, "visits": n, "seconds": tally.seconds[t, d, h]}
                    for (t, d, h), n in sorted(tally.hourly.items())])
    if tally.gaps:
        db.execute(adding_upsert(db, UsageQueryGap, ("terminal_id", "day", "query"),
                                 ("visits", "no_results", "unopened")),
                   [{"terminal_id": t, "day": d, "query": q, "visits": v, "no_results": n, "unopened": u}
                    for (t, d, q), (v, n, u) in sorted(tally.gaps.items())])
    if tally.counts:
        db.execute(adding_upsert(db, UsageCount, ("terminal_id", "day", "metric", "key"), ("count",)),
                   [{"terminal_id": t, "day": d, "metric": m, "key": k, "count": n}
                    for (t, d, m, k), n in sorted(tally.counts.items())])
