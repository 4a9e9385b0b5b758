"""Searches that found nothing, or whose results nobody opened: the catalogue's to-do list.

Grouped by normalised query, from their aggregates per terminal, day and query (usage_query_gaps, kept like the
other aggregates); a query is shown only once at least ``K_ANONYMITY`` different visits typed it, so one visitor's
typing is never shown. An operator adds a query as an alias of a service (a new catalogue version, which the terminals fetch on their next sync) or dismisses it; a
query made an alias is "fixed" once a later search for it listed that service among its first results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import Session, aliased

from common.usage_privacy import is_personal, normalise_query
from common.wire import MAX_USAGE_QUERY_CHARS
from server.audit.log import audit
from server.core.clock import utcnow
from server.fleet import catalogues
from server.fleet.models import CatalogueVersion, Terminal
from server.usage.models import UsageQueryAction, UsageQueryGap, UsageSearch
from server.usage.queries import UsageFilter, aggregate_terminals

K_ANONYMITY = 3
SHOWN_AT_MOST = 200


class SearchGapRefused(ValueError):
    """An action the rules refuse; ``field`` names the form field it is about."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SearchGap:
    query: str
    visits: int  # distinct visits that typed it and found nothing or opened nothing
    nothing: int  # searches with no result
    unopened: int  # searches with results, none opened
    terminals: list[str]
    action: str | None  # alias | dismissed
    service_code: str | None
    fixed: bool


def search_gaps(db: Session, wanted: UsageFilter, include_dismissed: bool = False) -> list[SearchGap]:
    in_range = UsageQueryGap.day.between(wanted.first_day, wanted.last_day)
    who = aggregate_terminals(db, wanted)
    visits = func.sum(UsageQueryGap.visits)
    rows = db.execute(
        select(UsageQueryGap.query, visits, func.sum(UsageQueryGap.no_results), func.sum(UsageQueryGap.unopened))
        .where(UsageQueryGap.terminal_id.in_(who), in_range)
        .group_by(UsageQueryGap.query).having(visits >= K_ANONYMITY)
        .order_by(visits.desc(), UsageQueryGap.query).limit(SHOWN_AT_MOST)).all()
    queries = [row[0] for row in rows]
    actions = {a.query: a for a in db.scalars(select(UsageQueryAction).where(UsageQueryAction.query.in_(queries)))}
    where: dict[str, list[str]] = {}
    # Which terminals typed each shown query in the range: one index probe per terminal and shown query (query,
    # terminal, the first day in range), however many days and visits: not every day of every terminal.
    shown = (select(UsageQueryGap.query).distinct()
             .where(UsageQueryGap.terminal_id.in_(who), in_range, UsageQueryGap.query.in_(queries)).subquery())
    # (A scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a join over all the rows of the range.)
    typed = aliased(UsageQueryGap)
    first_typed = (select(typed.day).where(typed.query == shown.c.query, typed.terminal_id == Terminal.id,
                                           typed.day.between(wanted.first_day, wanted.last_day))
                   .limit(1).scalar_subquery())
    typed_at = select(shown.c.query, Terminal.name).join(Terminal, true()).where(first_typed.is_not(None))
    if wanted.terminal_id is not None:
        typed_at = typed_at.where(Terminal.id == wanted.terminal_id)
    elif wanted.group_id is not None:
        typed_at = typed_at.where(Terminal.group_id == wanted.group_id)
    for query, name in db.execute(typed_at):
        where.setdefault(query, []).append(name)
    gaps = []
    for query, count, nothing, unopened in rows:
        action = actions.get(query)
        if action is not None and action.action == "dismissed" and not include_dismissed:
            continue
        gaps.append(SearchGap(
            query, int(count), int(nothing or 0), int(unopened or 0), sorted(where.get(query, [])),
            action.action if action else None, action.service_code if action else None,
            action is not None and action.action == "alias" and is_fixed(db, action)))
    return gaps


def is_fixed(db: Session, action: UsageQueryAction) -> bool:
    """A search for the query after it became an alias listed the service among its first results."""
    code = action.service_code or ""
    found = select(UsageSearch.id).where(
        UsageSearch.query == action.query, UsageSearch.started_at >= action.acted_at,
        or_(UsageSearch.top == code, UsageSearch.top.like(f"{code},%"), UsageSearch.top.like(f"%,{code}"),
            UsageSearch.top.like(f"%,{code},%"))).limit(1)
    return db.scalar(found) is not None


def _checked_query(query: str) -> str:
    normalised = normalise_query(query)
    if not normalised or len(normalised) > MAX_USAGE_QUERY_CHARS or is_personal(normalised):
        raise SearchGapRefused("query", "not a query that can be shown")
    return normalised


def add_alias(db: Session, query: str, service_code: str, actor: str, now: datetime | None = None) -> CatalogueVersion:
    """The query as an alias of the service, in a new catalogue version (the terminals get it on their next sync)."""
    normalised = _checked_query(query)
    current = catalogues.current(db)
    if current is None:
        raise SearchGapRefused("service_code", "there is no catalogue yet")
    document = json.loads(current.document)
    service = next((s for s in document["services"] if s["code"] == service_code), None)
    if service is None:
        raise SearchGapRefused("service_code", "no such service in the catalogue")
    aliases = list(service.get("aliases", ()))
    if normalised not in (alias.casefold() for alias in aliases):
        service["aliases"] = [*aliases, normalised]
        document["version"] = f"usage-{(now or utcnow()):%Y%m%dT%H%M%SZ}"
    row = catalogues.store(db, document, actor, f"usage: alias {normalised!r} of {service_code}")
    _act(db, normalised, "alias", service_code, actor, now)
    return row


def dismiss(db: Session, query: str, actor: str, now: datetime | None = None) -> None:
    _act(db, _checked_query(query), "dismissed", None, actor, now)


def _act(db: Session, query: str, action: str, service_code: str | None, actor: str, now: datetime | None) -> None:
    row = db.get(UsageQueryAction, query) or UsageQueryAction(query=query)
    row.action, row.service_code, row.actor, row.acted_at = action, service_code, actor, now or utcnow()
    db.add(row)
    audit(db, actor, f"usage.query.{action}", f"query:{query}", service_code=service_code)



