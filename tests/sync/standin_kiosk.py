"""A stand-in for the kiosk app inside a test release (tests/sync/test_updates.py): the real heartbeat to the real
server and the real Updater, without the Kivy window (the GUI cannot start under a launcher in a test run).

Run by the launcher in releases/<version>/; its version is the one in RELEASE.json there. It heartbeats, runs
Updater.check_once after every heartbeat the server answered, and exits with EXIT_SWITCH when told to switch.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from common.wire import Heartbeat
from services.sync.api import ServerApi
from services.updates.launcher import EXIT_SWITCH
from services.updates.updater import Updater

root = Path(os.environ["KIOSK_INSTALL_ROOT"])
version = json.loads(Path("RELEASE.json").read_text())["version"]
with open(root / "starts.log", "a") as log:
    log.write(version + "\n")
api = ServerApi(os.environ["STANDIN_SERVER_URL"], os.environ["STANDIN_TOKEN"])
started = time.monotonic()


def switch_now() -> None:
    sys.exit(EXIT_SWITCH)


updater = Updater(root, version, may_switch=lambda: True, switch_now=switch_now)
while True:
    api.heartbeat(Heartbeat(app_version=version, uptime_seconds=time.monotonic() - started, outbox_depth=0,
                            free_disk_bytes=1))
    updater.check_once(api)
    time.sleep(0.3)
