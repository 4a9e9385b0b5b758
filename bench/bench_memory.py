"""Resident memory of the kiosk after browsing every screen, against a bare Kivy app showing one label.

Run from the project root:  python bench/bench_memory.py  [--rounds R]

The real kiosk runs in its own process, windowed 1080x1920 on a private Xvfb display, built as
kiosk/screenshots.py builds it (``configure_kivy``, then ``KioskApp(settings, store, data_dir)``). A driver
in that process walks every screen R times, each step a simulated touch plus an action on the app, with
time for the transition and the frames to be drawn: home, the three guide tabs, the service list of every
department and life event, search with queries typed key by key (pinyin, initials, Chinese, English, a typo,
no results), the guide of 30 different services, the idle warning, coming soon, maintenance with the PIN,
then the same again in the other language and a part of it in large-text (elder) mode; each round ends with
the idle-timeout session wipe. After every round the driver collects garbage and reads its own RSS.

Baseline in the same run: a bare Kivy app configured the same way (KIVY_NO_ARGS, a private KIVY_HOME, the
kiosk's lock-down config) that opens the same window with one Label, measured the same way a few seconds
after its first frame. The store is seeded beforehand (``kiosk search``), as on every day after the first.
Sizes are MiB (2**20 bytes). The exit status is 1 when the kiosk's RSS after the last round misses the target.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from processes import BARE_KIVY_SETUP, start_xvfb, stop  # noqa: E402  (bench/processes.py, beside this script)

from kiosk.lockdown import kiosk_config  # noqa: E402  (plain dict of Kivy config values, no Kivy import)

TARGET_MIB = 150
SIZE = (1080, 1920)
RESULT_TAG = "BENCH-RESULT "
ROUND_TIMEOUT = 180.0  # seconds a round may take before the driver process is killed

# Runs inside the kiosk's process. argv: project root, rounds, width, height.
KIOSK_DRIVER = r'''
import gc, json, sys
from pathlib import Path

root, rounds, size = Path(sys.argv[1]), int(sys.argv[2]), (int(sys.argv[3]), int(sys.argv[4]))
sys.path.insert(0, str(root))

from kiosk.bootstrap import configure_kivy
from services.storage import paths

configure_kivy(paths.data_dir(), windowed_size=size)

import psutil
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.app import KioskApp
from kiosk.cli import open_store
from common.settings import load_settings

NAV = 0.35   # a slide transition is 0.18 s; leave time for it and the frames after
KEY = 0.12   # between keystrokes on the on-screen keyboard
QUERIES = ("sbk", "社保卡", "gongjijin", "营业执照", "business licence", "pensoin", "zzzzqx")
PIN = "2468"  # the demo PIN of config/settings.toml

settings = load_settings(paths.settings_file())
store = open_store()
app = KioskApp(settings, store, paths.data_dir())
seen = set()
result = {"rss_after_round": [], "steps": 0, "unlocked": 0, "detail_codes": 0}


def browse(app, depth):
    """Steps of (action, seconds to wait after it). depth 'full' walks everything, 'part' a sample."""
    full = depth == "full"
    yield app.go_home, NAV
    for tab in ("popular", "departments", "life_events"):
        yield (lambda tab=tab: app.guide.open_guide(tab)), NAV
    departments = [d.id for d in app.catalogue.departments]
    events = [e.id for e in app.catalogue.life_events]
    for key in departments if full else departments[:2]:
        yield (lambda key=key: app.guide.open_service_list("department", key)), NAV
    for key in events if full else events[:2]:
        yield (lambda key=key: app.guide.open_service_list("life_event", key)), NAV
    yield app.guide.open_search, NAV
    search = app.screens["search"]
    for query in QUERIES if full else QUERIES[:2]:
        yield search.clear, KEY
        for char in query:
            yield (lambda char=char: search.type_text(char)), KEY
        yield (lambda: None), NAV
    yield search.clear, KEY
    codes = [s.code for s in app.catalogue.services][::5][:30]
    result["detail_codes"] = len(codes)
    for code in codes if full else codes[:3]:
        yield (lambda code=code: app.guide.open_service(code)), NAV
    yield app.go_back, NAV
    yield (lambda: app.open_idle_warning(app.kiosk_settings.idle.warning_seconds)), NAV
    # The next step's touch dismisses the warning, as a visitor's does.
    for module in ("checkin", "feedback"):
        yield (lambda module=module: app.open_module(module)), NAV
    yield app.maintenance.open, NAV
    maintenance = app.screens["maintenance"]
    for key in PIN:
        yield (lambda key=key: maintenance.press(key)), KEY
    yield (lambda: maintenance.press("ok")), NAV  # scrypt check, then the status report
    yield (lambda: result.__setitem__("unlocked", result["unlocked"] + bool(maintenance.unlocked))), 0
    yield app.go_home, NAV


def one_round(app):
    yield from browse(app, "full")
    yield app.toggle_language, NAV
    yield from browse(app, "full")
    yield app.toggle_language, NAV
    yield app.toggle_elder_mode, NAV
    yield from browse(app, "part")
    yield app.toggle_elder_mode, NAV
    yield app.reset_session, NAV  # what the idle timeout does after every visitor


def rss_mib():
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def run_rounds():
    for number in range(rounds):
        for action, wait in one_round(app):
            yield action, wait
        yield (lambda: result["rss_after_round"].append(rss_mib())), 0


steps = None


def advance(_dt):
    global steps
    try:
        action, wait = next(steps)
    except StopIteration:
        result["screens"] = sorted(seen)
        print("BENCH-RESULT " + json.dumps(result), flush=True)
        app.stop()
        return
    app._on_activity()  # a touch: keeps the idle timer from wiping the session mid-walk
    action()
    result["steps"] += 1
    Clock.schedule_once(advance, wait)


def start(*_args):
    global steps
    Window.unbind(on_flip=start)
    app.bind(current_screen=lambda _app, name: seen.add(name))
    seen.add(app.current_screen)
    steps = run_rounds()
    Clock.schedule_once(advance, 1.0)


Window.bind(on_flip=start)
app.run()
store.close()
'''

# The baseline, configured as kiosk.bootstrap.configure_kivy does. argv: data dir, settle seconds.
BARE_APP = BARE_KIVY_SETUP + r'''
import gc, json
import psutil
from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label


class BareApp(App):
    def build(self):
        Window.bind(on_flip=self.first_frame)
        return Label(text="Lobby Kiosk", font_size="48sp")

    def first_frame(self, *_args):
        Window.unbind(on_flip=self.first_frame)
        Clock.schedule_once(self.measure, float(sys.argv[2]))

    def measure(self, _dt):
        gc.collect()
        rss = psutil.Process().memory_info().rss / 2**20
        print("BENCH-RESULT " + json.dumps({"rss_after_round": [rss]}), flush=True)
        self.stop()


BareApp().run()
'''


def run_driver(command: list[str], env: dict, timeout: float) -> dict:
    """Run a driver to its end (killed after ``timeout`` seconds) and return the JSON it reported."""
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True,
            encoding="utf-8", errors="replace", timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        tail = "\n    ".join((exc.stderr or "").splitlines()[-15:]) if isinstance(exc.stderr, str) else ""
        raise RuntimeError(f"{' '.join(command[:2])} did not finish in {timeout:.0f} s:\n    {tail}") from None
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG):])
    tail = "\n    ".join(done.stderr.splitlines()[-15:])
    raise RuntimeError(f"{' '.join(command[:2])} reported nothing (exit {done.returncode}):\n    {tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="walks through every screen (default 3)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    python = sys.executable
    scratch = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    driver, bare = scratch / "kiosk_driver.py", scratch / "bare_label.py"
    driver.write_text(KIOSK_DRIVER, encoding="utf-8")
    bare.write_text(BARE_APP.replace("CONFIG.items()", repr(kiosk_config(SIZE)) + ".items()"), encoding="utf-8")

    xvfb = None
    try:
        xvfb, display = start_xvfb()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIVY_")}
        env.pop("KIOSK_SETTINGS", None)  # the project's default settings (and its demo PIN)
        env.update(DISPLAY=display, PYTHONUNBUFFERED="1")
        kiosk_data, bare_data = scratch / "kiosk-data", scratch / "bare-data"
        kiosk_data.mkdir()
        bare_data.mkdir()
        kiosk_env = dict(env, KIOSK_DATA_DIR=str(kiosk_data))
        # Seed the store through the kiosk's own command line, so the walk does not import the catalogue.
        subprocess.run([python, "-m", "kiosk", "search", "sbk"], cwd=ROOT, env=kiosk_env, check=True,
                       capture_output=True, timeout=120)

        started = time.monotonic()
        app = run_driver([python, str(driver), str(ROOT), str(args.rounds), *map(str, SIZE)], kiosk_env,
                         timeout=60 + ROUND_TIMEOUT * args.rounds)
        seconds = time.monotonic() - started
        base = run_driver([python, str(bare), str(bare_data), "3"], env, timeout=120)
    finally:
        if xvfb is not None:
            stop(xvfb)
        shutil.rmtree(scratch, ignore_errors=True)

    rss = app["rss_after_round"]
    if len(rss) != args.rounds or app["unlocked"] != 3 * args.rounds:
        print(f"bench_memory: the walk did not complete as planned: {app}", file=sys.stderr)
        return 2
    last, first, bare_rss = rss[-1], rss[0], base["rss_after_round"][0]
    print(
        f"walk               {args.rounds} rounds, {app['steps']} steps in {seconds:.0f} s, window {SIZE[0]}x{SIZE[1]};"
        f" screens {', '.join(app['screens'])}; {app['detail_codes']} service guides, both languages"
    )
    verdict = "OK" if last < TARGET_MIB else "MISSED"
    print(
        f"resident memory after browsing every screen {last:.0f} MiB"
        f"  (bare Kivy label {bare_rss:.0f} MiB; ratio {last / bare_rss:.2f}x)  target < {TARGET_MIB} MiB: {verdict}"
    )
    print(
        f"kiosk's own share  {last - bare_rss:.0f} MiB above the bare Kivy label app"
        f"  (what the target leaves for the app: {TARGET_MIB - bare_rss:.0f} MiB on this display stack)"
    )
    growth = last - first
    per_round = growth / (args.rounds - 1) if args.rounds > 1 else 0.0
    print(
        f"growth round 1 -> {args.rounds}    {growth:+.1f} MiB  ({per_round:+.1f} MiB a round;"
        f" after each round {' / '.join(f'{value:.0f}' for value in rss)} MiB; bare Kivy label {bare_rss:.0f} MiB, no rounds)"
    )
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
