"""Opens the input method's dictionary on a worker thread after the first frame.

Opening the built dictionary is a header read and a memory map (under a millisecond). The first start
on a machine has to build it (10-20 s through pypinyin, or run `kiosk ime --build` at install): that
runs in a child process, so the kiosk never holds the build's transient memory (~350 MiB).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from kivy.clock import Clock

log = logging.getLogger(__name__)


def load_input_method(on_ready: Callable[[object], None], vocabulary: list[str]) -> None:
    """Start loading; ``on_ready(input_method)`` then runs on the UI thread. ``vocabulary``: the kiosk's
    own words (services.devices.ime.vocabulary), ranked above the dictionary's."""

    def work():
        from services.devices.ime import InputMethod
        from services.devices.ime.lexicon import Lexicon, StaleLexicon, default_cache_dir

        cache_dir = default_cache_dir()
        started = time.monotonic()
        try:
            try:
                lexicon = Lexicon(cache_dir / Lexicon.FILE_NAME)
            except (FileNotFoundError, StaleLexicon):
                log.info("building the input method dictionary in %s", cache_dir)
                env = dict(os.environ, KIOSK_IME_CACHE=str(cache_dir))
                subprocess.run([sys.executable, "-m", "kiosk", "ime", "--build"], env=env, check=True, timeout=600)
                lexicon = Lexicon(cache_dir / Lexicon.FILE_NAME)
            ime = InputMethod(lexicon, vocabulary)
        except Exception:
            log.exception("the input method could not be loaded: the keyboard types letters only")
            return
        log.info("input method ready in %.2f s (%.1f MiB mapped, %d words of the kiosk's own)",
                 time.monotonic() - started, ime.mapped_bytes / 2**20, ime.vocabulary_size)
        Clock.schedule_once(lambda _dt: on_ready(ime))

    threading.Thread(target=work, name="input-method", daemon=True).start()
