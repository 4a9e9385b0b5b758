"""What the usage admin API answers (/api/v1/admin/usage/...)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from common.wire import MAX_USAGE_QUERY_CHARS


class KeyCount(BaseModel):
    key: str
    count: int


class DayCount(BaseModel):
    day: date
    visits: int


class UsageSummaryOut(BaseModel):
    first_day: date
    last_day: date
    terminal_id: int | None
    group_id: int | None
    visits: int
    median_visit_seconds: int | None
    guides_viewed: int
    takeaway_rate: float | None = Field(description="Guides taken away (QR on screen 8 s or more, or printed) "
                                                    "per guide viewed")
    large_text_share: float | None
    searches: int
    searches_without_results: int
    searches_not_opened: int
    checkins: int
    feedback: int


class UsageHeatOut(BaseModel):
    # [weekday 0 = Monday][hour 0-23] visits, in the fleet's local time
    visits: list[list[int]]


class UsageBreakdownOut(BaseModel):
    modules: list[KeyCount]
    services: list[KeyCount]
    found_by: list[KeyCount]
    languages: list[KeyCount]
    large_text: list[KeyCount]
    ended: list[KeyCount]
    takeaway: list[KeyCount]


class TerminalVisits(BaseModel):
    terminal_id: int
    name: str
    visits: int


class SearchGapOut(BaseModel):
    query: str
    visits: int
    without_results: int
    not_opened: int
    terminals: list[str]
    action: str | None
    service_code: str | None
    fixed: bool


class SearchGapAlias(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_USAGE_QUERY_CHARS)
    service_code: str = Field(min_length=1, max_length=20)


class SearchGapDismiss(BaseModel):
    query: str = Field(min_length=1, max_length=MAX_USAGE_QUERY_CHARS)


class PopularityPin(BaseModel):
    # None unpins: the service's popularity is its views again.
    popularity: int | None = Field(ge=0, le=100_000)


class PopularityOut(BaseModel):
    service_code: str
    views_30_days: int
    pinned: int | None
