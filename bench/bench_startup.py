"""Cold start of the kiosk to the first frame of the home screen, against a bare Kivy app showing one label.

Run from the project root:  python bench/bench_startup.py  [--runs N]

Each figure is wall time from spawning the process to reading its first-frame marker on stderr, for the
real ``kiosk run --windowed 1080x1920`` and, in the same run, for a bare Kivy app that opens the same
1080x1920 window with one Label and is configured the same way (KIVY_NO_ARGS, a private KIVY_HOME, the
kiosk's lock-down config). Runs alternate between the two so they share the machine's noise.

- cold: a fresh empty KIOSK_DATA_DIR every run, so the kiosk imports the bundled catalogue into a new
  store and Kivy writes a new config (the bare app gets a fresh KIVY_HOME too);
- warm: a data directory left by an earlier start (store and Kivy config already there).

One unmeasured start of each kind comes first, so no measured run pays for the OS file cache or for
compiling .pyc files. Everything runs on a private Xvfb display started and stopped here. The exit status
is 1 when the median cold-start ratio misses the target.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from processes import BARE_KIVY_SETUP, start_xvfb, stop  # noqa: E402  (bench/processes.py, beside this script)
from timing import percentile  # noqa: E402  (bench/timing.py, beside this script)

from kiosk.lockdown import kiosk_config  # noqa: E402  (plain dict of Kivy config values, no Kivy import)

TARGET_RATIO = 2.0
SIZE = (1080, 1920)
KIOSK_MARKER = "first frame of home screen shown"
BARE_MARKER = "first frame of bare label shown"
IMPORT_LOG = "has no catalogue; importing"
START_TIMEOUT = 60.0  # seconds to wait for a first frame before giving up

# The baseline: Kivy configured as kiosk.bootstrap.configure_kivy does, one Label, a marker on the first flip.
BARE_APP = BARE_KIVY_SETUP + '''
from kivy.app import App
from kivy.core.window import Window
from kivy.uix.label import Label

class BareApp(App):
    def build(self):
        Window.bind(on_flip=self.first_frame)
        return Label(text="Lobby Kiosk", font_size="48sp")

    def first_frame(self, *_args):
        Window.unbind(on_flip=self.first_frame)
        sys.stderr.write("MARKER\\n")
        sys.stderr.flush()

BareApp().run()
'''


def time_to_marker(command: list[str], env: dict, marker: str) -> tuple[float, list[str]]:
    """Seconds from spawn to the marker line on stderr; the process is killed right after. Also its stderr."""
    lines: list[str] = []
    seen = threading.Event()
    stamp = [0.0]

    def read(stream):
        for line in stream:
            lines.append(line.rstrip("\n"))
            if not seen.is_set() and marker in line:
                stamp[0] = time.perf_counter()
                seen.set()

    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, encoding="utf-8", errors="replace",
    )
    reader = threading.Thread(target=read, args=(process.stderr,), daemon=True)
    reader.start()
    deadline = start + START_TIMEOUT
    while not seen.wait(0.05):
        if process.poll() is not None or time.perf_counter() > deadline:
            break
    # SIGKILL, not SIGTERM: SDL turns SIGTERM into a window-close request, which the kiosk lock-down refuses.
    process.kill()
    process.wait(10)
    reader.join(5.0)
    if not seen.is_set():
        tail = "\n    ".join(lines[-15:])
        raise RuntimeError(f"no first frame from {' '.join(command)} (exit {process.returncode}):\n    {tail}")
    return stamp[0] - start, lines




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured starts of each kind (default 5)")
    args = parser.parse_args()

    python = sys.executable
    # The installed entry point, as the kiosk is started for real; ``python -m kiosk`` if it is missing.
    entry = Path(python).with_name("kiosk")
    kiosk = [str(entry)] if entry.exists() else [python, "-m", "kiosk"]
    kiosk += ["run", "--windowed", f"{SIZE[0]}x{SIZE[1]}"]
    scratch = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    bare_script = scratch / "bare_label.py"
    bare_source = BARE_APP.replace("CONFIG.items()", repr(kiosk_config(SIZE)) + ".items()").replace("MARKER", BARE_MARKER)
    bare_script.write_text(bare_source, encoding="utf-8")
    bare = [python, str(bare_script)]

    xvfb, display = start_xvfb()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVY_")}
    env.update(DISPLAY=display, PYTHONUNBUFFERED="1")
    env.pop("KIOSK_SETTINGS", None)  # the project's default settings
    fresh_count = [0]

    def fresh_dir() -> Path:
        fresh_count[0] += 1
        path = scratch / f"cold-{fresh_count[0]}"
        path.mkdir()
        return path

    def run_kiosk(data_dir: Path, cold: bool) -> float:
        seconds, lines = time_to_marker(kiosk, dict(env, KIOSK_DATA_DIR=str(data_dir)), KIOSK_MARKER)
        imported = any(IMPORT_LOG in line for line in lines)
        if imported != cold:
            raise RuntimeError(f"a {'cold' if cold else 'warm'} start {'did not import' if cold else 'imported'} the catalogue")
        return seconds

    def run_bare(data_dir: Path) -> float:
        return time_to_marker(bare + [str(data_dir)], env, BARE_MARKER)[0]

    times: dict[str, list[float]] = {"kiosk cold": [], "bare cold": [], "kiosk warm": [], "bare warm": []}
    try:
        warm_kiosk, warm_bare = scratch / "warm-kiosk", scratch / "warm-bare"
        warm_kiosk.mkdir()
        warm_bare.mkdir()
        # Unmeasured: fills the file cache and leaves the warm data directories behind.
        run_kiosk(warm_kiosk, cold=True)
        run_bare(warm_bare)
        print(f"display            {display} (Xvfb), window {SIZE[0]}x{SIZE[1]}, {args.runs} runs of each kind after one unmeasured start")
        for i in range(args.runs):
            # Alternate which side goes first, so neither always follows the other.
            pairs = [
                (lambda: run_kiosk(fresh_dir(), cold=True), "kiosk cold"),
                (lambda: run_bare(fresh_dir()), "bare cold"),
                (lambda: run_kiosk(warm_kiosk, cold=False), "kiosk warm"),
                (lambda: run_bare(warm_bare), "bare warm"),
            ]
            if i % 2:
                pairs = [pairs[1], pairs[0], pairs[3], pairs[2]]
            for run, key in pairs:
                times[key].append(run())
    finally:
        stop(xvfb)
        shutil.rmtree(scratch, ignore_errors=True)

    verdict = "OK"
    for kind in ("cold", "warm"):
        app, base = times[f"kiosk {kind}"], times[f"bare {kind}"]
        a50, a90 = statistics.median(app), percentile(app, 90)
        b50, b90 = statistics.median(base), percentile(base, 90)
        ratio = a50 / b50
        line = (
            f"{kind} start (first frame) median {a50:.2f} s  p90 {a90:.2f} s"
            f"  (bare Kivy label {b50:.2f} s / {b90:.2f} s; ratio {ratio:.2f}x)"
        )
        if kind == "cold":
            verdict = "OK" if ratio < TARGET_RATIO else "MISSED"
            line += f"  target < {TARGET_RATIO:g}x: {verdict}"
        print(line)
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
