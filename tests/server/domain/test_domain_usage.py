"""Usage analytics against the database (server/usage): visits projected into raw rows and aggregates once per
record, personal queries dropped, the figures of the Usage page, searches that found nothing (k-anonymity, alias,
dismiss, fixed), retention of the raw visits, popularity from use. The upserts and the grouping SQL run on both
dialects."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from common.catalogue import parse_catalogue
from server.fleet import catalogues
from server.fleet.models import Record
from server.usage import popularity, retention, search_gaps
from server.usage.models import FLEET, UsageCount, UsageHourly, UsageSearch, UsageVisit
from server.usage.queries import UsageFilter, figures, visits_by_terminal
from tests.server.domain.builders import ACTOR, BOTH_DIALECTS, at, receive, terminal
from tests.server.usage_data import search, view, visit_record

DAY = date(2026, 12, 7)  # a Monday; 01:30 UTC is 09:30 in Harbin
WEEK = UsageFilter.make(DAY, DAY - timedelta(days=6), DAY)


@BOTH_DIALECTS
def test_visits_are_counted_once_per_record_per_terminal_and_for_the_fleet(db):
    lobby, tower = terminal(db, "T1 大堂"), terminal(db, "T3 11 层", group="T3")
    first = visit_record(at(2026, 12, 7, 1, 30), 40, views=(view("RS-001", qr_shown=True), view("RS-002", "popular")),
                         searches=(search("社保卡", 5, ("RS-001",), "RS-001"),), ended="finished")
    receive(db, lobby, first, visit_record(at(2026, 12, 7, 1, 50), 100, language="en", large_text=True,
                                           views=(view("RS-001", "department", printed=True),)))
    receive(db, lobby, first)  # sent again: stored and counted once
    receive(db, tower, visit_record(at(2026, 12, 7, 6, 5), 20, modules=("feedback",), feedback=1, ended="home"))
    assert db.scalar(select(func.count()).select_from(UsageVisit)) == 3
    assert sorted(db.execute(select(UsageHourly.terminal_id, UsageHourly.hour, UsageHourly.visits,
                                    UsageHourly.seconds))) == [
        (-tower.group_id, 14, 1, 20), (FLEET, 9, 2, 140), (FLEET, 14, 1, 20), (lobby.id, 9, 2, 140),
        (tower.id, 14, 1, 20)]
    found = figures(db, WEEK)
    assert (found.visits, found.views, found.per_day[DAY], found.heat[0][9], found.heat[0][14]) == (3, 3, 3, 2, 1)
    assert found.tally("view") == [("RS-001", 2), ("RS-002", 1)]
    assert found.counts["takeaway"]["any"] == 2 and found.takeaway_rate == 2 / 3
    assert found.median_seconds == 45  # 20, 40, 100 s: the 40-49 s bucket
    assert (found.share("large_text", "yes"), found.share("language", "en")) == (1 / 3, 1 / 3)
    assert dict(found.tally("ended")) == {"finished": 1, "idle": 1, "home": 1}
    assert dict(found.tally("via")) == {"search": 1, "popular": 1, "department": 1}
    assert (found.counts["feedback"][""], found.counts["search"]["all"]) == (1, 1)
    one = figures(db, UsageFilter.make(DAY, DAY, DAY, terminal_id=tower.id))
    assert (one.visits, one.tally("module")) == (1, [("feedback", 1)])
    group = figures(db, UsageFilter.make(DAY, DAY, DAY, group_id=tower.group_id))
    assert (group.visits, group.tally("module")) == (1, [("feedback", 1)])
    unused = terminal(db, "T2 二楼", group="T3")
    assert visits_by_terminal(db, WEEK) == [(lobby.id, "T1 大堂", 2), (tower.id, "T3 11 层", 1),
                                            (unused.id, "T2 二楼", 0)]
    in_group = UsageFilter.make(DAY, DAY, DAY, group_id=tower.group_id)
    assert visits_by_terminal(db, in_group) == [(tower.id, "T3 11 层", 1), (unused.id, "T2 二楼", 0)]
    assert visits_by_terminal(db, UsageFilter.make(DAY, DAY, DAY, terminal_id=lobby.id)) == [(lobby.id, "T1 大堂", 2)]
    assert visits_by_terminal(db, UsageFilter.make(DAY, DAY + timedelta(days=1), DAY + timedelta(days=1))) == [
        (lobby.id, "T1 大堂", 0), (unused.id, "T2 二楼", 0), (tower.id, "T3 11 层", 0)]


def test_an_unreadable_visit_stays_a_stored_record_only(db):
    lobby = terminal(db)
    bad = visit_record(at(2026, 12, 7), ended="vanished")
    receive(db, lobby, bad)
    assert db.get(Record, (lobby.id, bad["id"])) is not None
    assert db.scalar(select(func.count()).select_from(UsageVisit)) == 0


def test_a_query_with_a_phone_number_is_never_stored_even_from_a_kiosk_that_sent_it(db):
    lobby = terminal(db)
    receive(db, lobby, visit_record(at(2026, 12, 7), searches=(search("13800138000"), search("张三 a@b.cn"),
                                                               search("  SheBao KA ", 2, ("RS-001",)))))
    assert list(db.scalars(select(UsageSearch.query))) == ["shebao ka"]


def _typed(db, sender, query: str, visits: int, results: int = 0, top=(), when=None) -> None:
    for n in range(visits):
        # Typed twice in the same visit: still one visit.
        twice = (search(query, results, top), search(query, results, top))
        receive(db, sender, visit_record(when or at(2026, 12, 7, 2, n), searches=twice))


@BOTH_DIALECTS
def test_searches_that_found_nothing_show_only_once_three_visits_typed_them(db):
    lobby, tower = terminal(db, "T1 大堂", group="T1"), terminal(db, "T3 11 层")
    _typed(db, lobby, "驾驶证", 2)
    _typed(db, tower, "驾驶证", 1)
    _typed(db, lobby, "宠物医院", 2)  # two visits only: never shown
    _typed(db, lobby, "社保", 3, results=4, top=("RS-001",))  # found, never opened
    gaps = {gap.query: gap for gap in search_gaps.search_gaps(db, WEEK)}
    assert set(gaps) == {"驾驶证", "社保"}
    assert (gaps["驾驶证"].visits, gaps["驾驶证"].nothing, gaps["驾驶证"].terminals) == (3, 6, ["T1 大堂", "T3 11 层"])
    assert (gaps["社保"].nothing, gaps["社保"].unopened) == (0, 6)
    only_tower = UsageFilter.make(DAY, WEEK.first_day, DAY, terminal_id=tower.id)
    assert search_gaps.search_gaps(db, only_tower) == []  # one visit there
    in_t1 = search_gaps.search_gaps(db, UsageFilter.make(DAY, WEEK.first_day, DAY, group_id=lobby.group_id))
    assert [(gap.query, gap.visits, gap.terminals) for gap in in_t1] == [("社保", 3, ["T1 大堂"])]  # 驾驶证: 2 here


def test_adding_an_alias_publishes_a_catalogue_version_with_it_and_the_row_turns_fixed(db):
    """(That the kiosk's search then finds the service: tests/gui/test_gui_usage_e2e.py.)"""
    lobby = terminal(db)
    query = "社会保险卡丢失怎么办呢"
    _typed(db, lobby, query, 3)
    before = catalogues.current(db)
    search_gaps.add_alias(db, query, "RS-003", ACTOR, now=at(2026, 12, 7, 3))
    db.commit()
    row = catalogues.current(db)
    assert row.id != before.id
    catalogue = parse_catalogue(json.loads(row.document), "test")
    assert query in catalogue.service("RS-003").aliases
    [gap] = search_gaps.search_gaps(db, WEEK)
    assert (gap.action, gap.service_code, gap.fixed) == ("alias", "RS-003", False)
    # The next search for it, on a terminal with the new catalogue, lists the service: fixed.
    receive(db, lobby, visit_record(at(2026, 12, 7, 4), searches=(search(query, 1, ("RS-003",)),)))
    [gap] = search_gaps.search_gaps(db, WEEK)
    assert gap.fixed


def test_a_dismissed_query_leaves_the_list_and_nothing_personal_can_be_acted_on(db):
    lobby = terminal(db)
    _typed(db, lobby, "停车场", 3)
    search_gaps.dismiss(db, "停车场", ACTOR)
    db.commit()
    assert search_gaps.search_gaps(db, WEEK) == []
    assert [g.action for g in search_gaps.search_gaps(db, WEEK, include_dismissed=True)] == ["dismissed"]
    for query, code in (("13800138000", "RS-001"), ("停车场", "XX-999")):
        try:
            search_gaps.add_alias(db, query, code, ACTOR)
        except search_gaps.SearchGapRefused:
            db.rollback()
        else:
            raise AssertionError(f"{query} as alias of {code} was accepted")


def test_raw_visits_go_after_their_days_and_the_aggregates_stay(db):
    lobby = terminal(db)
    receive(db, lobby, visit_record(at(2026, 8, 1), searches=(search("旧"),)), visit_record(at(2026, 12, 1)))
    assert retention.prune_raw(db, at(2026, 12, 7), keep_days=90) == 1
    db.commit()
    assert db.scalar(select(func.count()).select_from(UsageVisit)) == 1
    assert db.scalar(select(func.count()).select_from(UsageSearch)) == 0
    assert db.scalar(select(func.count()).select_from(Record).where(Record.kind == "usage_visit")) == 1
    assert db.scalar(select(func.sum(UsageHourly.visits)).where(UsageHourly.terminal_id == FLEET)) == 2
    assert db.scalar(select(func.count()).select_from(UsageCount).where(UsageCount.day == date(2026, 8, 1))) > 0


def test_popularity_becomes_the_views_of_the_last_30_days_unless_pinned(db):
    lobby = terminal(db)
    now = at(2026, 12, 7, 4)
    few = [visit_record(at(2026, 12, 6), views=(view("GJJ-001"),))]
    receive(db, lobby, *few)
    assert popularity.update_catalogue(db, DAY, now) is None  # too few views yet: the catalogue's numbers stay
    views = [view("RS-004")] * 30 + [view("RS-002")] * 20
    receive(db, lobby, *[visit_record(at(2026, 12, 6), views=tuple(views[n:n + 10])) for n in range(0, 50, 10)])
    receive(db, lobby, *[visit_record(at(2026, 12, 5), views=(view("RS-003"),) * 10) for _ in range(6)])
    receive(db, lobby, visit_record(at(2026, 10, 1), views=(view("RS-005"),) * 40))  # outside the 30 days
    assert popularity.update_catalogue(db, DAY, now) is not None
    db.commit()
    ranked = parse_catalogue(json.loads(catalogues.current(db).document), "test").popular(3)
    assert [s.code for s in ranked] == ["RS-003", "RS-004", "RS-002"]
    assert popularity.update_catalogue(db, DAY, now) is None  # the same again: no new version
    popularity.pin(db, "RS-001", 1000, ACTOR, DAY, now)
    db.commit()
    catalogue = parse_catalogue(json.loads(catalogues.current(db).document), "test")
    assert catalogue.popular(1)[0].code == "RS-001" and catalogue.service("RS-005").popularity == 0
