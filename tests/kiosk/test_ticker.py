"""The landscape ticker carries what portrait shows on the home board: today's events, then the notices."""

from kiosk.ticker import TickerItem, ticker_items


def test_todays_events_come_before_the_notices_each_with_its_icon():
    items = ticker_items([("创业政策宣讲会（第三期）", "14:00–15:30 · T1 三楼多功能厅"), ("读书角开放", "")],
                         ["党群服务中心工作日 9:00-17:00", ""])
    assert items == [
        TickerItem("event", "创业政策宣讲会（第三期）  ·  14:00–15:30 · T1 三楼多功能厅"),
        TickerItem("event", "读书角开放"),
        TickerItem("announce", "党群服务中心工作日 9:00-17:00"),
    ]


def test_nothing_on_and_nothing_to_say_leaves_the_ticker_empty():
    assert ticker_items([], []) == []
