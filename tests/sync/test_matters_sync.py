"""The building-matters board with the real server: fetched when the heartbeat's ETag changes (never again while
it stays), kept in the store so a restarted, offline terminal still has it, and a changed matter arrives."""

from __future__ import annotations

from services.matters.board_store import MattersBoardStore
from services.sync.api import ServerApi
from services.sync.engine import MATTERS_ETAG_KEY, MattersBoardChanged
from services.sync.identity import load_identity
from tests.server.console.console_client import ConsoleClient
from tests.sync.conftest import wait_for

BOARD = "/terminal/matters"


def test_the_board_is_fetched_on_a_new_etag_kept_offline_and_updated(live_server, enrolled, relay, make_engine, store,
                                                                     data_dir):
    console = ConsoleClient(live_server)
    console.sign_in()
    raised = console.submit("/matters", "/matters", {"title": "写字楼停水", "raised_by": "金泰科技"})
    assert raised.status_code == 200
    engine, watcher = make_engine(None)
    first = watcher.wait(MattersBoardChanged, "the board", lambda e: len(e.kept.board.open) == 1)
    assert first.kept.board.open[0].raised_by == "金***" and first.kept.board.counts.open == 1

    fetched = relay.count("GET", BOARD, 200)
    heartbeats = relay.count("POST", "/terminal/heartbeat", 200)
    wait_for(lambda: relay.count("POST", "/terminal/heartbeat", 200) >= heartbeats + 2, "two more cycles",
             nudge=engine.sync_now)
    assert relay.count("GET", BOARD) == fetched, "unchanged: not fetched again"
    identity = load_identity(data_dir)
    api = ServerApi(identity.server_url, identity.token)
    try:
        assert api.matters_board(etag=store.get_state(MATTERS_ETAG_KEY)) is None
    finally:
        api.close()

    engine.stop(timeout=30)
    live_server.stop()
    try:  # what a kiosk restarted without its server shows
        kept = MattersBoardStore(store).load()
        assert kept is not None and kept.board.open[0].title == "写字楼停水" and kept.fetched_at is not None
    finally:
        live_server.start()

    console = ConsoleClient(live_server)
    console.sign_in()
    matter_page = raised.url.removeprefix(f"{live_server.url}/console")
    console.submit(matter_page, f"{matter_page}/status", {"to": "declined", "reason": "重复提出"})
    engine, watcher = make_engine(None)
    watcher.wait(MattersBoardChanged, "the board without the declined matter", lambda e: e.kept.board.open == [])
