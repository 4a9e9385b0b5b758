"""The guide's search index: built on a worker thread, handed over on Kivy's clock, and not built again for
the same catalogue (the first sync sends the catalogue the terminal already has)."""

from __future__ import annotations

import time
from types import SimpleNamespace

from kivy.clock import Clock

from kiosk.guide.controller import GuideController
from tests.factories import make_catalogue, service_data


def _wait_for_index(guide: GuideController, ready: list) -> None:
    deadline = time.monotonic() + 60
    while guide.search_index is None or not ready:
        assert time.monotonic() < deadline, "the search index was not handed over"
        Clock.tick()
        time.sleep(0.01)


def test_an_equal_catalogue_keeps_its_index_and_another_gets_a_new_one():
    host = SimpleNamespace(catalogue=make_catalogue(version="2026.12-a"), screens={})
    ready: list[int] = []
    guide = GuideController(host, lambda: ready.append(1))
    guide.index_catalogue()
    _wait_for_index(guide, ready)
    first = guide.search_index

    host.catalogue = make_catalogue(version="2026.12-a")  # read back from the store: equal, another object
    guide.index_catalogue()
    assert guide.search_index is first

    host.catalogue = make_catalogue(service_data(code="RS-002", zh="失业登记", en="Unemployment registration"), version="2026.12-b")
    guide.index_catalogue()
    assert guide.search_index is None  # searches wait for the new catalogue's index
    ready.clear()
    _wait_for_index(guide, ready)
    assert guide.search_index is not first
    assert [s.code for s in guide.search_index.search("失业登记")][:1] == ["RS-002"]
