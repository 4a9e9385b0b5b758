"""Render every screen to PNG: ``python -m kiosk.screenshots --out docs/screenshots``.

Each language and orientation runs in its own process (a Kivy App runs once per
process), under Xvfb when no display is set. Files are named
``<screen>-<lang>-<portrait|landscape>.png``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
LANGUAGES = ("zh_CN", "en")
# (file stem, action on the app); each action is followed by a pause for transitions.
SCENES = (
    ("home", lambda app: app.go_home()),
    ("guide-departments", lambda app: app.open_guide("departments")),
    ("guide-life-events", lambda app: app.open_guide("life_events")),
    ("service-list", lambda app: app.open_service_list("department", "hrss")),
    ("search", lambda app: (app.open_search(), setattr(app.screens["search"], "query", "sbk"))),
    ("search-no-results", lambda app: setattr(app.screens["search"], "query", "zzzzqx")),
    ("detail", lambda app: app.open_service("RS-001")),
    ("idle-warning", lambda app: app.open_idle_warning(app.kiosk_settings.idle.warning_seconds)),
    ("coming-soon", lambda app: (app.reset_session(), app.open_module("checkin"))),
    ("elder-mode-home", lambda app: (app.go_home(), setattr(app, "elder_mode", True))),
    ("maintenance", lambda app: (setattr(app, "elder_mode", False), app.open_maintenance())),
    ("maintenance-report", lambda app: (app.show_sync_status(_status("offline")), app.submit_maintenance_pin("2468"))),
    ("offline-home", lambda app: (app.go_home(), app.show_sync_status(_status("offline")))),
    ("pairing", lambda app: app.show_sync_status(_status("pairing"))),
    ("out-of-service", lambda app: (app.show_sync_status(_status("online")), app.set_out_of_service(None))),
    ("closed", lambda app: (app.set_in_service(), app.apply_settings(_closed_today(app.kiosk_settings)))),
)


def _status(state: str):
    """A made-up connection state, only to show how the screen renders it."""
    from services.sync.engine import SyncStatus

    now = datetime.now(timezone.utc)
    return SyncStatus(
        state=state,
        server_url="https://kiosk.example.org",
        pairing_code="482913" if state == "pairing" else None,
        offline_since=now - timedelta(minutes=7) if state == "offline" else None,
        last_sync_at=now - timedelta(minutes=8),
        last_error="",
        outbox_depth=3 if state == "offline" else 0,
        parked_count=0,
        config_version=4,
        config_error=None,
    )


def _closed_today(settings):
    hours = settings.hours.model_copy(update={"enabled": True, "closed_dates": (date.today(),)})
    return settings.model_copy(update={"hours": hours})


def _render(out: Path, lang: str, orientation: str) -> None:
    from kivy.clock import Clock
    from kivy.core.window import Window

    from kiosk.app import KioskApp
    from kiosk.cli import open_store
    from services import paths
    from services.settings import load_settings

    settings = load_settings(paths.settings_file())
    store = open_store()
    app = KioskApp(settings, store, paths.data_dir())
    scenes = iter(SCENES)

    def step(_dt):
        try:
            stem, action = next(scenes)
        except StopIteration:
            app.stop()
            return
        if lang != app.lang and stem == "home":
            app.lang = lang
        action(app)
        if app.lang != lang:
            app.lang = lang
        Clock.schedule_once(lambda _dt: shoot(stem), 0.8)

    def shoot(stem):
        written = Window.screenshot(str(out / f"{stem}.png"))  # Kivy appends a counter
        Path(written).replace(out / f"{stem}-{lang}-{orientation}.png")
        Clock.schedule_once(step, 0)

    app.bind(on_start=lambda _app: Clock.schedule_once(step, 1.5))
    app.run()
    store.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--lang", choices=LANGUAGES)
    parser.add_argument("--orientation", choices=tuple(SIZES))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.lang and args.orientation:
        from kiosk.bootstrap import configure_kivy
        from services import paths

        configure_kivy(paths.data_dir(), windowed_size=SIZES[args.orientation])
        _render(args.out.resolve(), args.lang, args.orientation)
        return 0
    return _render_all(args.out)


def _render_all(out: Path) -> int:
    xvfb = None
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        display = ":93"
        xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1920x24", "-nolisten", "tcp"])
        time.sleep(1.0)
        env["DISPLAY"] = display
    data = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    env["KIOSK_DATA_DIR"] = str(data)
    try:
        for lang in LANGUAGES:
            for orientation in SIZES:
                print(f"rendering {lang} {orientation}", flush=True)
                subprocess.run(
                    [sys.executable, "-m", "kiosk.screenshots", "--out", str(out), "--lang", lang, "--orientation", orientation],
                    env=env, check=True, timeout=180,
                )
    finally:
        shutil.rmtree(data, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
    print(f"screenshots in {out}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
