"""The micro-wish wall with the real server: the heartbeat names the wall's ETag, the engine fetches the wall when
it changes (never when it does not), keeps it in the store for offline use, and the cards say in each language what
the wall means; a document that is no wall is refused, naming where it came from."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from common import wire
from common.catalogue import Text
from server.core.config import ServerSettings
from server.core.db import make_engine as make_server_engine
from server.core.db import make_session_factory
from server.volunteers.seed import create_centre_teams
from server.wishes import wishes
from services.sync.engine import WishWallChanged
from services.wishes.wall import WALL_ERROR_KEY, WishWallError, card_texts, load_wall, parse_wall
from tests.sync.conftest import wait_for

WALL = "/terminal/wishes"


def _publish(server, title: str) -> None:
    """A wish posted and published in the server's database, as the console does."""
    engine = make_server_engine(server.database_url)
    settings = ServerSettings(database_url=server.database_url, kiosk_server_data_dir=server.data_dir)
    try:
        with make_session_factory(engine)() as db:
            create_centre_teams(db)
            wish, _code = wishes.post(db, settings, f"{title}（原文）", "13800138000", "console", "admin")
            wishes.publish(db, wish, title, "T3 楼职工", "admin")
            db.commit()
    finally:
        engine.dispose()


def test_the_wall_comes_when_it_changes_and_stays_in_the_store(live_server, enrolled, relay, make_engine, store):
    _publish(live_server, "阅读角需要新书")
    engine, watcher = make_engine(None)
    changed = watcher.wait(WishWallChanged, "the wish wall", lambda e: len(e.wall.cards) == 1)
    assert [(c.title, c.status, c.path) for c in changed.wall.cards] == [("阅读角需要新书", "open", changed.wall.cards[0].path)]
    kept = load_wall(store)
    assert kept is not None and kept.cards == changed.wall.cards, "kept for offline use"
    assert "13800138000" not in kept.model_dump_json() and "原文" not in kept.model_dump_json()

    fetched = relay.count("GET", WALL, 200)
    heartbeats = relay.count("POST", "/terminal/heartbeat", 200)
    wait_for(lambda: relay.count("POST", "/terminal/heartbeat", 200) >= heartbeats + 2, "two more cycles",
             nudge=engine.sync_now)
    assert relay.count("GET", WALL) == fetched, "unchanged: not fetched again"

    _publish(live_server, "周五帮忙修自行车")
    watcher.wait(WishWallChanged, "the wall again", lambda e: len(e.wall.cards) == 2)
    assert store.get_state(WALL_ERROR_KEY) is None


def test_the_cards_say_the_status_team_and_day_in_each_language():
    wall = wire.WishWall(etag="x", generated_at=datetime.now(UTC), counts=wire.WishCounts(
        year=2026, posted=3, claimed=2, fulfilled=1), cards=[
        wire.WishCard(id=1, status="open", title="一盆绿萝", posted_on=date(2026, 11, 3), path="/w/1"),
        wire.WishCard(id=2, status="fulfilled", title="旧书", posted_on=date(2026, 3, 9), path="/w/2",
                      team=Text(zh="青年志愿者服务队", en="Youth Volunteer Team"), fulfilled_on=date(2026, 4, 1))])
    zh = card_texts(wall, "zh_CN", "https://kiosk.example.org/", lambda text: text)
    assert [(c.status_line, c.posted, c.url) for c in zh] == [
        ("Waiting for a volunteer", "Posted 11月3日", "https://kiosk.example.org/w/1"),
        ("Fulfilled by 青年志愿者服务队. Thank you!", "Posted 3月9日", "https://kiosk.example.org/w/2")]
    en = card_texts(wall, "en", "", lambda text: text)
    assert en[1].status_line == "Fulfilled by Youth Volunteer Team. Thank you!" and en[1].posted == "Posted 9 Mar"
    assert en[0].url == "", "no public address: no QR"


def test_a_document_that_is_no_wall_is_refused():
    with pytest.raises(WishWallError, match="wish wall 7 from the server"):
        parse_wall({"etag": "7", "cards": [{"title": "<b>"}]}, "wish wall 7 from the server")
