"""Builds the search index on a worker thread: the index takes longer to build than the whole first frame,
and nobody can type before that frame is on the screen. The catalogue's pinyin is read in a child process
(services.guide.readings), so pypinyin's dictionaries never take up the kiosk's memory."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kivy.clock import Clock

from common.catalogue import Catalogue

log = logging.getLogger(__name__)


def build_search_index(catalogue: Catalogue, on_ready: Callable[[Catalogue, object], None]) -> None:
    """Start building; ``on_ready(catalogue, index)`` then runs on the UI thread."""

    def work():
        started = time.monotonic()
        try:
            from services.guide.readings import catalogue_readings
            from services.guide.search import SearchIndex

            index = SearchIndex(catalogue, phrase_readings=catalogue_readings(catalogue))
        except Exception:
            log.exception("building the search index for catalogue %s failed", catalogue.version)
            return
        log.info("search index of catalogue %s built in %.2f s", catalogue.version, time.monotonic() - started)
        Clock.schedule_once(lambda _dt: on_ready(catalogue, index))

    threading.Thread(target=work, name="search-index", daemon=True).start()
