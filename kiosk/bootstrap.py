"""Configure Kivy before anything imports it (as Electrum's Kivy GUI does).

Kivy reads its environment and config file at first import, so this module
must run before any ``import kivy...``: it gives Kivy a private KIVY_HOME (no
stray ~/.kivy, no config left over from another program), stops Kivy from
parsing our command line, and applies the kiosk lock-down settings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kiosk import allocator, lockdown
from services.devices.display.fit import WindowPlan, probe_window_plan


def configure_kivy(data_dir: Path, *, windowed_size: tuple[int, int] | None = None) -> WindowPlan | None:
    """``windowed_size`` gives a plain window of that size (development, tests, screenshots); without it the
    kiosk measures its display and returns how its window will cover it, for the app to keep it so."""
    if "kivy" in sys.modules:
        raise RuntimeError("kivy was imported before kiosk.bootstrap.configure_kivy()")
    allocator.tune()  # before Kivy's, SDL's and Mesa's allocations (kiosk/allocator.py)
    kivy_home = data_dir / "kivy"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ["KIVY_HOME"] = str(kivy_home)
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    # Our logging goes through Kivy's logger; its console handler writes to stderr.
    os.environ.setdefault("KIVY_LOG_MODE", "MIXED")
    # Measured before Kivy starts: the window must open at the display's size, not at 800x600.
    plan = None if windowed_size is not None else probe_window_plan()
    from kivy.config import Config

    lockdown.apply_config(Config, windowed_size=windowed_size, plan=plan)
    return plan
