"""A visit as the kiosk records it (services.usage.visit): what it holds, what it never holds, how it ended."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from common.usage_privacy import is_personal, normalise_query
from common.wire import UsageVisitRecord
from services.storage.outbox import Outbox
from services.usage.visit import QR_DWELL_SECONDS, VisitRecorder


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def recorder(clock) -> VisitRecorder:
    return VisitRecorder(clock=clock, wall_clock=lambda: datetime(2026, 12, 7, 9, 41, 37, tzinfo=UTC))


def test_a_visit_holds_what_the_visitor_did_and_validates_as_the_wire_record(recorder, clock):
    recorder.touch()
    recorder.module("guide")
    for typed in ("s", "sb", "sbk"):
        recorder.searched(typed, 4, ["RS-001", "RS-002", "RS-003", "RS-004"])
    clock.now += 5
    recorder.viewed("RS-001", "search")
    clock.now += QR_DWELL_SECONDS
    recorder.touch()
    recorder.printed("RS-001")
    recorder.searched("驾驶证", 0, [])
    recorder.viewed("SC-002", "department")  # left after a moment: its QR not counted as taken
    clock.now += 1
    recorder.touch()
    recorder.large_text(True)
    payload = recorder.finish("en", at_home=False)
    visit = UsageVisitRecord.model_validate(payload)
    assert visit.started_at == datetime(2026, 12, 7, 9, 41, tzinfo=UTC)  # to the minute
    assert visit.seconds == 5 + QR_DWELL_SECONDS + 1
    assert (visit.language, visit.large_text, visit.modules) == ("en", True, ["guide"])
    assert [(s.query, s.results, s.top, s.opened) for s in visit.searches] == [
        ("sbk", 4, ["RS-001", "RS-002", "RS-003"], "RS-001"), ("驾驶证", 0, [], None)]
    assert [(v.code, v.via, v.qr_shown, v.printed) for v in visit.views] == [
        ("RS-001", "search", True, True), ("SC-002", "department", False, False)]
    assert visit.ended == "idle"  # the idle reset came on the guide, not at home
    assert recorder.finish("zh_CN", at_home=True) is None  # nothing since: no empty visit


def test_how_a_visit_ended(recorder):
    recorder.touch()
    recorder.counted("feedback")
    assert recorder.finish("zh_CN", at_home=True)["ended"] == "finished"
    recorder.touch()
    recorder.module("guide")
    assert recorder.finish("zh_CN", at_home=True)["ended"] == "home"
    recorder.counted("checkin")  # a ticket scanned without a touch is a visit of its own
    visit = recorder.finish("zh_CN", at_home=True)
    assert (visit["checkins"], visit["ended"]) == (1, "finished")


@pytest.mark.parametrize("query", ["13800138000", "138 0013 8000", "我的电话1380013", "２３０１０２１９９００１０１１２３４",
                                   "230102199001011234", "sfz 230102x", "zhang.san@example.cn", "张三＠qq.com"])
def test_a_personal_query_is_dropped_not_recorded(recorder, query):
    assert is_personal(query)
    recorder.touch()
    recorder.searched(query, 0, [])
    recorder.searched("", 0, [])
    recorder.searched("社保卡", 3, ["RS-001"])
    assert [s["query"] for s in recorder.finish("zh_CN", at_home=False)["searches"]] == ["社保卡"]


@pytest.mark.parametrize("query", ["社保卡", "2024年个税", "营业执照 123456", "0451", "ic卡"])
def test_ordinary_queries_are_kept(query):
    assert not is_personal(query)


def test_queries_are_grouped_by_their_normalised_form():
    assert normalise_query("  SheBao   Ka ") == normalise_query("ｓｈｅｂａｏ ｋａ") == "shebao ka"


def test_a_visit_goes_through_the_outbox_as_one_record(store, recorder):
    recorder.touch()
    recorder.searched("公积金", 2, ["GJJ-001", "GJJ-002"])
    Outbox(store).add("usage_visit", recorder.finish("zh_CN", at_home=False))
    [record] = Outbox(store).next_batch(10)
    assert record.kind == "usage_visit"
    assert UsageVisitRecord.model_validate(record.payload).searches[0].query == "公积金"
