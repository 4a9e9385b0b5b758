"""Process helpers shared by the benchmarks that run the real kiosk window: a private Xvfb, a clean stop."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

XVFB_TIMEOUT = 15.0
# How every bare baseline app starts: Kivy configured as kiosk.bootstrap.configure_kivy configures it
# (a private KIVY_HOME from argv[1], no argument parsing); CONFIG stands for the kiosk's lock-down config.
BARE_KIVY_SETUP = '''
import os, sys
from pathlib import Path
home = Path(sys.argv[1]) / "kivy"
home.mkdir(parents=True, exist_ok=True)
os.environ["KIVY_HOME"] = str(home)
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "MIXED")
from kivy.config import Config
for (section, key), value in CONFIG.items():
    if not Config.has_section(section):
        Config.add_section(section)
    Config.set(section, key, value)
'''


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A private X server on the first display number from 95 up that has neither a lock file nor a socket."""
    for number in range(95, 200):
        if Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        xvfb = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", "1920x1920x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + XVFB_TIMEOUT
        while xvfb.poll() is None and time.monotonic() < deadline:
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return xvfb, f":{number}"
            time.sleep(0.05)
        stop(xvfb)  # lost a race for this number, or too slow: try the next one
    raise RuntimeError("could not start Xvfb (is it installed?)")


def stop(process: subprocess.Popen, grace: float = 5.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(grace)
