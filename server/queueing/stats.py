"""Numbers and waits in figures: per service, per window and per hour of the day, the numbers issued, served and
no-shows, and the wait from taking a number to its first call (average and 90th percentile, minutes)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.queueing.models import QueueTicket


@dataclass
class Group:
    key: str
    issued: int = 0
    served: int = 0
    no_show: int = 0
    waits: list[float] = field(default_factory=list)

    @property
    def average_wait(self) -> float | None:
        return round(sum(self.waits) / len(self.waits), 1) if self.waits else None

    @property
    def p90_wait(self) -> float | None:
        """Nearest rank: the wait 90 % of called numbers did not exceed."""
        if not self.waits:
            return None
        ordered = sorted(self.waits)
        return round(ordered[math.ceil(0.9 * len(ordered)) - 1], 1)


@dataclass
class QueueStats:
    since: date
    until: date
    overall: Group
    by_service: list[Group]
    by_window: list[Group]
    by_hour: list[Group]


def stats(db: Session, since: date, until: date, timezone: str, window_names: dict[int, str]) -> QueueStats:
    """Numbers taken on the local days from ``since`` to ``until`` (inclusive)."""
    zone = ZoneInfo(timezone)
    overall = Group("all")
    groups: dict[str, dict[str, Group]] = {"service": {}, "window": {}, "hour": {}}
    rows = db.scalars(select(QueueTicket).where(QueueTicket.day >= since, QueueTicket.day <= until))
    for ticket in rows:
        keys = {"service": ticket.service_code,
                "window": window_names.get(ticket.first_window_id, str(ticket.first_window_id)),
                "hour": f"{ticket.taken_at.astimezone(zone):%H}:00"}
        targets = [overall] + [groups[kind].setdefault(key, Group(key)) for kind, key in keys.items()]
        for group in targets:
            group.issued += 1
            group.served += ticket.status == "served"
            group.no_show += ticket.status == "no_show"
            if ticket.called_at is not None:
                group.waits.append((ticket.called_at - ticket.taken_at) / timedelta(minutes=1))
    return QueueStats(since, until, overall, *(sorted(groups[kind].values(), key=lambda g: g.key)
                                                for kind in ("service", "window", "hour")))


def stats_csv(found: QueueStats) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["dimension", "key", "issued", "served", "no_show", "average_wait_minutes",
                     "p90_wait_minutes"])
    for kind, groups in (("all", [found.overall]), ("service", found.by_service), ("window", found.by_window),
                         ("hour", found.by_hour)):
        for group in groups:
            writer.writerow([kind, group.key, group.issued, group.served, group.no_show,
                             "" if group.average_wait is None else group.average_wait,
                             "" if group.p90_wait is None else group.p90_wait])
    return out.getvalue()


def today(timezone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()
