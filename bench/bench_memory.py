"""Resident memory of the kiosk over a day's work: after a first tour of every screen, and after 1,000 scans,
100 feedback submissions and a second tour, against a bare Kivy app showing one label.

Run from the project root:  python bench/bench_memory.py  [--scans N] [--feedback N] [--explain]

The real kiosk runs in its own process, windowed 1080x1920 on a private Xvfb display (Mesa llvmpipe: this
machine has no GPU), built as kiosk/screenshots.py builds it (``configure_kivy``, then ``KioskApp(settings,
store, data_dir)``), with the simulated scanner (a pty, the line reader of a serial scanner, as the check-in GUI
tests use) and a check-in bundle of its own (one event open now, one signing key), without a server.
A driver in that process, each step a simulated touch plus an action on the app:

1. the tour: home, the three guide tabs, the service list of every department and life event, search with
   queries typed key by key (pinyin, initials, Chinese, English, a typo, no results), the guide of 30 services,
   the idle warning, check-in, feedback, maintenance with the PIN; then the same in the other language and a
   part of it in large-text (elder) mode; then the idle-timeout session wipe. RSS is read after it;
2. the day: N scans written to the scanner (eight in ten distinct tickets, welcomed; a forged ticket and garbage
   one in ten each; every tenth from the guide, so the kiosk jumps to the verdict), each verdict waited for, and
   M feedback submissions
   through every step (category, a rating where asked, the text typed in pinyin on the on-screen keyboard and a
   candidate picked, no phone, review, send, the receipt), each visitor's session wiped afterwards;
3. the tour again, then RSS.

RSS is also read once everything is built (settled), at the end of the first tour before its wipe (a visit's
memory), and after the scans and after the feedback. Those after a session wipe are read 3 s after it, as the
kiosk waits for its next visitor: after each visitor it closes the font faces and hands freed memory back
(kiosk/font_faces.py, kiosk/allocator.py), so they are figures at rest; during a visit the faces its screens
need are open again.

Targets: RSS after the day within 20% of RSS after the first tour, and under TARGET_MIB. Baseline in the same
run: a bare Kivy app configured the same way (KIVY_NO_ARGS, a private KIVY_HOME, the kiosk's lock-down config)
that opens the same window with one Label, measured a few seconds after its first frame. The store is seeded
beforehand (``kiosk search``), as on every day after the first. Sizes are MiB (2**20 bytes). ``--explain``
adds what holds the memory at each point (mappings of /proc/self/smaps by kind, live textures, Kivy's caches,
the font faces asked for, objects grown since the last point; with tracemalloc on, which inflates RSS itself,
the largest Python allocations and those grown since the last point, by line). The exit status is 1 when a
target is missed.
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

TARGET_MIB = 500  # "well below" the ~590 MiB of issue 14 (680 after a full tour before the diet)
GROWTH_LIMIT = 1.20  # RSS after the day / RSS after the first tour
SIZE = (1080, 1920)
RESULT_TAG = "BENCH-RESULT "
WALK_TIMEOUT = 1800.0  # seconds the whole walk may take before the driver process is killed

# Runs inside the kiosk's process. argv: project root, scans, feedback submissions, width, height, explain.
KIOSK_DRIVER = r'''
import gc, json, os, sys, time
from pathlib import Path

root, scans, submissions = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
size, explain = (int(sys.argv[4]), int(sys.argv[5])), sys.argv[6] == "1"
sys.path.insert(0, str(root))
sys.path.insert(0, str(root / "bench"))

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
# What the visitors type, a word at a time (each word's first candidate picked): 停水了 空调太冷 排队太慢...
WORDS = (("tingshui", "le"), ("kongtiao", "tai", "leng"), ("paidui", "tai", "man"), ("dianti", "huai", "le"),
         ("xiexie",), ("cesuo", "meiyou", "zhi"), ("xiwang", "zengjia", "zuowei"))

settings = load_settings(paths.settings_file())
store = open_store()
from bench_scan_to_verdict import _seed as seed_checkin  # one event open now, its key, tickets for it

tickets = seed_checkin(store, scans)
app = KioskApp(settings, store, paths.data_dir(), scanner_kind="simulator")
seen = set()
result = {"rss": {}, "steps": 0, "unlocked": 0, "detail_codes": 0, "verdicts": {}, "receipts": 0, "explain": {}}


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


def tour(app):
    yield from browse(app, "full")
    yield app.toggle_language, NAV
    yield from browse(app, "full")
    yield app.toggle_language, NAV
    yield app.toggle_elder_mode, NAV
    yield from browse(app, "part")
    yield app.toggle_elder_mode, NAV
    yield (lambda: result["rss"].setdefault("before_wipe", rss_mib())), 0  # the first tour's
    yield app.reset_session, NAV  # what the idle timeout does after every visitor


def scan(text):
    fd = os.open(app.checkin.describe_scanner(), os.O_WRONLY | os.O_NOCTTY)
    try:
        os.write(fd, (text + "\r\n").encode("utf-8"))
    finally:
        os.close(fd)


def scan_texts():
    """Tickets welcomed, a forged one and garbage now and then."""
    from common import tickets as ticket_codes

    forged = ticket_codes.issue(ticket_codes.SigningKey.generate(1), 1, 999_999)
    for number in range(scans):
        if number % 10 == 7:
            yield forged
        elif number % 10 == 9:
            yield f"GARBAGE-{number}"
        else:
            yield tickets[(number * 7) % len(tickets)]


def day(app):
    checkin = app.checkin
    yield (lambda: app.open_module("checkin")), NAV
    for number, text in enumerate(scan_texts()):
        if number % 10 == 5:
            yield (lambda: app.guide.open_guide("popular")), NAV  # scanned from another screen
        shown = checkin.verdicts_shown
        yield (lambda text=text: scan(text)), (lambda shown=shown: checkin.verdicts_shown > shown)
        kind = app.screens["checkin"].verdict_kind
        result["verdicts"][kind] = result["verdicts"].get(kind, 0) + 1
        yield checkin.back_to_waiting, KEY
    yield app.reset_session, NAV
    yield (lambda: None), 3
    yield (lambda: measure("after_scans")), 0
    categories = [c for c in app.kiosk_settings.feedback.categories]
    for number in range(submissions):
        category = categories[number % len(categories)]
        feedback = app.feedback
        yield (lambda: app.open_module("feedback")), NAV
        yield (lambda key=category.key: feedback.choose_category(key)), NAV
        if category.rating:
            yield (lambda rating=1 + number % 5: feedback.rating_done(rating)), NAV
        keyboard = app.screens["feedback_text"].ids.keyboard
        for letters in WORDS[number % len(WORDS)]:
            for letter in letters:
                yield (lambda letter=letter: keyboard.type_letter(letter)), KEY
            yield (lambda: keyboard.pick(0)), KEY
        # The number makes every message different: identical ones within 10 minutes are marked suppressed.
        yield (lambda number=number: keyboard.type_symbol(f" {number}")), KEY
        yield (lambda: feedback.text_done(app.screens["feedback_text"].text)), NAV
        yield feedback.skip_phone, NAV
        yield feedback.submit, (lambda: app.current_screen == "feedback_receipt")
        yield (lambda: result.__setitem__("receipts", result["receipts"] + 1)), NAV
        yield app.reset_session, NAV
    yield (lambda: None), 3
    yield (lambda: measure("after_feedback")), 0


def rss_mib():
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def measure(label):
    result["rss"][label] = rss_mib()
    if explain:
        result["explain"][label] = what_holds_memory()


previous = {}  # the last measure point's tracemalloc snapshot and live objects by type, for the diffs


def what_holds_memory():
    """Resident MiB by kind of mapping (/proc/self/smaps), live textures and Kivy's cache categories, what grew
    since the last measure point (objects by type; with tracemalloc on, Python allocations by line), and the
    largest Python allocations if traced."""
    import tracemalloc
    from collections import Counter

    from kivy.cache import Cache
    from kivy.graphics.texture import Texture

    kinds, name, size = {}, "", 0
    with open("/proc/self/smaps", encoding="utf-8") as smaps:
        for line in smaps:
            parts = line.split()
            if not parts[0].endswith(":"):
                low, high = (int(value, 16) for value in parts[0].split("-"))
                size = (high - low) >> 20
                path = parts[5] if len(parts) > 5 else ""
                name = (Path(path).name if path.startswith("/") else path) or (
                    "anonymous >= 8 MiB" if size >= 8 else "anonymous < 8 MiB")
            elif parts[0] == "Rss:":
                kinds[name] = kinds.get(name, 0) + int(parts[1]) / 1024
    held = {"mappings": sorted(kinds.items(), key=lambda item: -item[1])[:15]}
    objects = gc.get_objects()
    by_type = Counter(type(item).__name__ for item in objects)
    textures = [item for item in objects if isinstance(item, Texture)]
    held["textures"] = [len(textures), sum(t.width * t.height * 4 for t in textures) / 2**20]
    held["caches"] = {category: len(entries) for category, entries in Cache._objects.items() if entries}
    held["font_faces"] = len(font_faces)
    if "types" in previous:
        grown = by_type - previous["types"]
        held["objects_grown"] = grown.most_common(12)
    previous["types"] = by_type
    del objects, textures
    if tracemalloc.is_tracing():
        snapshot = tracemalloc.take_snapshot().filter_traces((tracemalloc.Filter(False, tracemalloc.__file__),))
        held["python_traced"] = sum(stat.size for stat in snapshot.statistics("filename")) / 2**20
        held["python_by_file"] = [(stat.traceback[0].filename.replace(str(root), "."), stat.size / 2**20)
                                  for stat in snapshot.statistics("filename")[:15]]
        if "snapshot" in previous:
            held["python_grown"] = [
                (f"{stat.traceback[0].filename.replace(str(root), '.')}:{stat.traceback[0].lineno}",
                 stat.size_diff / 2**20, stat.count_diff)
                for stat in snapshot.compare_to(previous["snapshot"], "lineno")[:15]]
        previous["snapshot"] = snapshot
    return held


def walk():
    # Each tour ends with the session wipe; RSS is read after 3 s at rest on the home screen, as the kiosk waits
    # for its next visitor.
    yield (lambda: None), 3
    yield (lambda: measure("settled")), 0
    yield from tour(app)
    yield (lambda: None), 3
    yield (lambda: measure("first_tour")), 0
    yield from day(app)
    yield from tour(app)
    yield (lambda: None), 3
    yield (lambda: measure("after_day")), 0


steps = None
waiting_since = 0.0


def advance(_dt, condition=None):
    global steps, waiting_since
    if condition is not None and not condition():
        if time.monotonic() - waiting_since > 300:  # the first start builds the IME dictionary
            result["stuck"] = result["steps"]
            print("BENCH-RESULT " + json.dumps(result), flush=True)
            app.stop()
            return
        Clock.schedule_once(lambda dt: advance(dt, condition), 0.02)
        return
    try:
        action, wait = next(steps)
    except StopIteration:
        result["screens"] = sorted(seen)
        result["font_faces"] = sorted(font_faces)
        print("BENCH-RESULT " + json.dumps(result), flush=True)
        app.stop()
        return
    app._on_activity()  # a touch: keeps the idle timer from wiping the session mid-walk
    action()
    result["steps"] += 1
    if callable(wait):
        waiting_since = time.monotonic()
        Clock.schedule_once(lambda dt: advance(dt, wait), 0.02)
    else:
        Clock.schedule_once(advance, wait)


def settled():
    from kiosk.screen_set import SCREEN_CLASSES

    return (getattr(app, "checkin", None) is not None and app.checkin.describe_scanner()
            and app.guide.search_index is not None and app.input_method is not None
            and all(name in app.screens for name in SCREEN_CLASSES))


font_faces = set()  # the distinct font ids Kivy's SDL2 text provider asked for (one open face each, up to 64)


def count_font_faces():
    from kivy.core.text import Label as CoreLabel

    face_id = CoreLabel._get_font_id

    def counted(label):
        found = face_id(label)
        font_faces.add(found)
        return found

    CoreLabel._get_font_id = counted


def start(*_args):
    global steps
    if explain:
        count_font_faces()
    Window.unbind(on_flip=start)
    app.bind(current_screen=lambda _app, name: seen.add(name))
    seen.add(app.current_screen)
    waiting = iter([((lambda: None), settled)])
    steps = (step for part in (waiting, walk()) for step in part)
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
        print("BENCH-RESULT " + json.dumps({"rss": {"settled": rss}}), flush=True)
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
    parser.add_argument("--scans", type=int, default=1000, help="tickets scanned during the day (default 1000)")
    parser.add_argument("--feedback", type=int, default=100, help="feedback submissions during the day (default 100)")
    parser.add_argument("--explain", action="store_true",
                        help="also print what holds the memory (tracemalloc on: RSS figures are then inflated)")
    args = parser.parse_args()
    if args.scans < 10 or args.feedback < 1:
        parser.error("at least 10 scans and 1 feedback submission")

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
        env.pop("KIOSK_SERVER_URL", None)
        env.update(DISPLAY=display, PYTHONUNBUFFERED="1")
        kiosk_data, bare_data = scratch / "kiosk-data", scratch / "bare-data"
        kiosk_data.mkdir()
        bare_data.mkdir()
        kiosk_env = dict(env, KIOSK_DATA_DIR=str(kiosk_data))
        if args.explain:
            kiosk_env["PYTHONTRACEMALLOC"] = "1"
        # Seed the store through the kiosk's own command line, so the walk does not import the catalogue.
        subprocess.run([python, "-m", "kiosk", "search", "sbk"], cwd=ROOT, env=kiosk_env, check=True,
                       capture_output=True, timeout=120)

        started = time.monotonic()
        app = run_driver([python, str(driver), str(ROOT), str(args.scans), str(args.feedback), *map(str, SIZE),
                          "1" if args.explain else "0"], kiosk_env, timeout=WALK_TIMEOUT)
        seconds = time.monotonic() - started
        base = run_driver([python, str(bare), str(bare_data), "3"], env, timeout=120)
    finally:
        if xvfb is not None:
            stop(xvfb)
        shutil.rmtree(scratch, ignore_errors=True)

    rss = app["rss"]
    if ("after_day" not in rss or app["unlocked"] != 6 or sum(app["verdicts"].values()) != args.scans
            or app["receipts"] != args.feedback):
        print(f"bench_memory: the walk did not complete as planned: {app}", file=sys.stderr)
        return 2
    first, last, bare_rss = rss["first_tour"], rss["after_day"], base["rss"]["settled"]
    verdicts = ", ".join(f"{count} {kind}" for kind, count in sorted(app["verdicts"].items()))
    print(f"walk               {app['steps']} steps in {seconds:.0f} s, window {SIZE[0]}x{SIZE[1]}, Mesa llvmpipe (no GPU)")
    print(f"                   tour: screens {', '.join(app['screens'])}; {app['detail_codes']} service guides,"
          " both languages and large text; twice")
    print(f"                   day: {args.scans} scans ({verdicts}), {app['receipts']} feedback receipts")
    ratio = last / first
    growth_verdict = "OK" if ratio <= GROWTH_LIMIT else "MISSED"
    absolute_verdict = "OK" if last < TARGET_MIB else "MISSED"
    print(f"settled at start   {rss['settled']:.0f} MiB  (every screen built, search index, input method)")
    print(f"first tour's end   {rss['before_wipe']:.0f} MiB  (before its session wipe: a visit's memory)")
    print(f"after first tour   {first:.0f} MiB")
    print(f"after the scans    {rss['after_scans']:.0f} MiB")
    print(f"after the feedback {rss['after_feedback']:.0f} MiB")
    print(f"after the day      {last:.0f} MiB  (+ second tour)")
    print(f"ratio              {ratio:.3f}  target <= {GROWTH_LIMIT:.2f}: {growth_verdict}")
    print(f"against baseline   bare Kivy label {bare_rss:.0f} MiB in this run: kiosk {last / bare_rss:.2f}x,"
          f" {last - bare_rss:.0f} MiB above it; target < {TARGET_MIB} MiB: {absolute_verdict}")
    if app.get("font_faces"):
        print("font faces asked for:", ", ".join(face.replace(str(ROOT), ".") for face in app["font_faces"]))
    for label, held in app.get("explain", {}).items():
        print(f"what holds it ({label}):")
        for name, mib in held["mappings"]:
            print(f"    {mib:7.1f} MiB  {name}")
        print(f"    live textures {held['textures'][0]} ({held['textures'][1]:.1f} MiB of pixels);"
              f" Kivy caches {held['caches']}; font faces asked for so far {held['font_faces']}")
        if "objects_grown" in held:
            print("    objects grown since the last point: "
                  + ", ".join(f"{name} +{count}" for name, count in held["objects_grown"]))
        if "python_traced" in held:
            print(f"    Python allocations (tracemalloc) {held['python_traced']:.1f} MiB, the largest by file:")
            for name, mib in held["python_by_file"]:
                print(f"    {mib:7.1f} MiB  {name}")
        if "python_grown" in held:
            print("    Python allocations grown since the last point, by line:")
            for name, mib, count in held["python_grown"]:
                print(f"    {mib:+7.2f} MiB  {count:+7d} blocks  {name}")
    return 0 if growth_verdict == absolute_verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
