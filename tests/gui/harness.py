"""Runs one GUI scenario against the real KioskApp in this process (a Kivy App runs once per process).

Usage: python tests/gui/harness.py SCENARIO RESULT_JSON WIDTHxHEIGHT|kiosk
("kiosk": full screen on whatever display $DISPLAY is, exactly as ``kiosk run`` opens it.)
A scenario is a generator taking a ``Driver``; it yields seconds to wait (the Kivy
clock keeps running meanwhile) and records what it saw in ``driver.results``.
Touches go through the window's real input path as ``UnitTestTouch`` events.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


class Driver:
    def __init__(self, app):
        self.app = app
        self.results: dict = {}

    # -- finding widgets ---------------------------------------------------------------------

    def widgets(self, predicate):
        from kivy.core.window import Window

        found = []
        for top in Window.children:
            found.extend(w for w in top.walk(restrict=True) if predicate(w) and self._shown(w))
        return found

    def find(self, predicate, what: str):
        matches = self.widgets(predicate)
        if not matches:
            raise AssertionError(f"no visible widget: {what}")
        return matches[0]

    def button(self, label: str):
        return self.find(lambda w: getattr(w, "label", None) == label and hasattr(w, "trigger_action"), f"button {label!r}")

    def tile(self, title: str):
        return self.find(lambda w: type(w).__name__ in ("Tile", "GridTile") and w.title == title, f"tile {title!r}")

    def texts(self) -> list[str]:
        """What a visitor can read: button labels without their icon markup, and label texts."""
        shown = self.widgets(lambda w: isinstance(getattr(w, "text", None), str) and w.text)
        return [getattr(w, "label", None) or w.text for w in shown]

    @staticmethod
    def _shown(widget) -> bool:
        from kivy.core.window import Window

        node = widget
        while node is not None and node is not Window:
            if getattr(node, "opacity", 1) == 0 or getattr(node, "disabled", False):
                return False
            parent = node.parent
            # Screens other than the current one are detached by the ScreenManager.
            node = parent
        x, y = widget.to_window(*widget.center)
        return 0 <= x <= Window.width and 0 <= y <= Window.height

    # -- waiting (generators: ``yield from driver.until(...)`` inside a scenario) ----------------

    @staticmethod
    def until(condition, seconds: float = 60):
        """Yields to the Kivy clock until ``condition()`` is true or ``seconds`` pass."""
        deadline = time.monotonic() + seconds
        while not condition() and time.monotonic() < deadline:
            yield 0.1

    def settled(self, minimum: float = 1.0):
        """After a navigation: the slide transition has finished and a frame has laid the screen out.
        A busy machine draws slowly; a fixed pause alone would catch the screen mid-slide."""
        yield minimum
        manager = self.app.root_layout.ids.manager
        yield from self.until(lambda: not manager.transition.is_active, 30)
        yield 0.2

    # -- input ---------------------------------------------------------------------------------

    def tap(self, widget):
        from kivy.tests.common import UnitTestTouch

        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()

    def press_at(self, x, y):
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        touch.touch_down()
        return touch


def _load_scenario(name):
    # Scenarios live in tests/gui/*scenarios.py, one module per area (guide, sync, check-in, feedback...).
    import importlib

    for module_path in sorted(Path(__file__).parent.glob("*scenarios.py")):
        scenario = getattr(importlib.import_module(module_path.stem), name, None)
        if scenario is not None:
            return scenario
    raise LookupError(f"no GUI scenario named {name!r}")


def main(name: str, result_path: Path, size: tuple[int, int] | None) -> int:
    from kiosk.bootstrap import configure_kivy
    from services.storage import paths

    data_dir = paths.data_dir()
    window_plan = configure_kivy(data_dir, windowed_size=size)

    from kivy.clock import Clock
    from kivy.core.window import Window

    from common.settings import load_settings
    from kiosk.app import KioskApp
    from kiosk.cli import open_store

    sys.path.insert(0, str(Path(__file__).parent))
    scenario = _load_scenario(name)
    store = open_store()
    # As `kiosk run` does: the server's last configuration wins over the file; the server to pair with from the env.
    settings = store.remote_settings() or load_settings(paths.settings_file())
    app = KioskApp(settings, store, data_dir, server_url=os.environ.get("KIOSK_SERVER_URL"), window_plan=window_plan)
    driver = Driver(app)
    outcome = {"ok": False}

    def advance(_dt=0):
        try:
            wait = next(steps)
        except StopIteration:
            outcome["ok"] = True
            app.stop()
            return
        except Exception:
            outcome["error"] = traceback.format_exc()
            app.stop()
            return
        Clock.schedule_once(advance, wait or 0)

    def start(*_args):
        # After the first frame is on screen, not at on_start: a cold start can take seconds to lay out.
        global steps
        Window.unbind(on_flip=start)
        steps = scenario(driver)
        Clock.schedule_once(advance, 1.5)

    Window.bind(on_flip=start)
    app.run()
    store.close()
    # A scenario waiting for the kiosk to stop by itself (a software update) ends when it does.
    if driver.results.get("waiting_for_exit") and "error" not in outcome:
        outcome["ok"] = True
    outcome["results"] = driver.results
    result_path.write_text(json.dumps(outcome, ensure_ascii=False, default=str))
    if not outcome["ok"]:
        return 1
    return app.exit_code  # as `kiosk run` exits: EXIT_SWITCH when stopping for a software update


steps = None

if __name__ == "__main__":
    size = None if sys.argv[3] == "kiosk" else tuple(int(v) for v in sys.argv[3].split("x"))
    raise SystemExit(main(sys.argv[1], Path(sys.argv[2]), size))
