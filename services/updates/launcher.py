"""The kiosk's launcher: starts the release that state.json names, and rolls back when a new one fails.

systemd runs this (stdlib only, so no release can break it) as the kiosk service's main process:

    python3 launcher.py --root /opt/lobby-kiosk [--trial-seconds 300]

A release just switched to is "on trial" until the kiosk, after its first heartbeat the server answered on the
new version, clears the trial in state.json. If it exits before that, or the trial outlasts ``--trial-seconds``,
or it was already started once on trial (a crash loop, a power cut mid-trial), the launcher switches back to
the previous release, notes the rollback with its reason (the kiosk reports it to the server) and starts the
previous one. The kiosk exits with EXIT_SWITCH to have the launcher start the release state.json now names.
Any other exit ends the launcher with the kiosk's status, and systemd restarts it (Restart=always).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

EXIT_SWITCH = 75
STATE_FILE = "state/state.json"  # in a folder of its own: the kiosk user writes there, root owns the rest
DEFAULT_COMMAND = ["{python}", "-m", "kiosk", "run"]
MAX_TRIAL_STARTS = 1


def state_path(root: Path) -> Path:
    return root / STATE_FILE


def read_state(root: Path) -> dict:
    try:
        state = json.loads(state_path(root).read_text(encoding="utf-8"))
    except FileNotFoundError:
        state = {}
    state.setdefault("current", None)
    state.setdefault("previous", None)
    state.setdefault("trial", None)
    state.setdefault("rollbacks", [])
    state.setdefault("failed_versions", [])
    return state


def write_state(root: Path, state: dict) -> None:
    """Atomically: a power cut leaves the old state or the new one, never half of either."""
    path = state_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(state, file, indent=1, sort_keys=True)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def release_dir(root: Path, version: str) -> Path:
    return root / "releases" / version


def release_command(root: Path, version: str) -> list[str]:
    folder = release_dir(root, version)
    try:
        command = json.loads((folder / "RELEASE.json").read_text(encoding="utf-8")).get("command") or DEFAULT_COMMAND
    except (OSError, ValueError):
        command = DEFAULT_COMMAND
    python = folder / "venv" / "bin" / "python"
    return [part.replace("{python}", str(python)).replace("{release}", str(folder)) for part in command]


def roll_back(root: Path, state: dict, reason: str) -> dict:
    failed, trial = state["current"], state["trial"] or {}
    state["rollbacks"].append({"version": failed, "to": state["previous"], "reason": reason,
                               "rollout_id": trial.get("rollout_id"),
                               "at": datetime.now(UTC).isoformat(), "reported": False})
    if failed not in state["failed_versions"]:
        state["failed_versions"].append(failed)
    state.update(current=state["previous"], previous=None, trial=None)
    write_state(root, state)
    print(f"launcher: rolled back from {failed} to {state['current']}: {reason}", file=sys.stderr, flush=True)
    return state


def _on_trial(state: dict) -> bool:
    trial = state["trial"]
    return bool(trial) and trial.get("version") == state["current"] and state["previous"] is not None


class Launcher:
    def __init__(self, root: Path, trial_seconds: float):
        self.root = root
        self.trial_seconds = trial_seconds
        self.child: subprocess.Popen | None = None
        self.stopping = False

    def stop(self, signum: int, _frame: object) -> None:
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signum)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while True:
            state = read_state(self.root)
            if state["current"] is None:
                print(f"launcher: no release installed in {self.root}", file=sys.stderr)
                return 1
            if _on_trial(state):
                starts = state["trial"].get("starts", 0)
                if starts >= MAX_TRIAL_STARTS:
                    roll_back(self.root, state, f"started {starts} time(s) without a healthy heartbeat")
                    continue
                state["trial"]["starts"] = starts + 1
                write_state(self.root, state)
            code, timed_out = self._run_once(state)
            if self.stopping:
                return 0
            if code == EXIT_SWITCH:
                continue
            state = read_state(self.root)
            if _on_trial(state):
                reason = (f"no healthy heartbeat within {self.trial_seconds:.0f} s" if timed_out
                          else f"exited with status {code} before its first healthy heartbeat")
                roll_back(self.root, state, reason)
                continue
            return code

    def _run_once(self, state: dict) -> tuple[int, bool]:
        version = state["current"]
        env = dict(os.environ, KIOSK_INSTALL_ROOT=str(self.root), KIOSK_RELEASE_VERSION=version)
        self.child = subprocess.Popen(release_command(self.root, version), cwd=release_dir(self.root, version),
                                      env=env)
        started = time.monotonic()
        while True:
            try:
                return self.child.wait(timeout=0.5), False
            except subprocess.TimeoutExpired:
                pass
            if time.monotonic() - started > self.trial_seconds and _on_trial(read_state(self.root)):
                self.child.terminate()
                try:
                    self.child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.child.kill()
                    self.child.wait()
                return self.child.returncode, True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start the kiosk's current release; roll back a failing new one.")
    parser.add_argument("--root", type=Path, default=Path(os.environ.get("KIOSK_INSTALL_ROOT", "/opt/lobby-kiosk")))
    parser.add_argument("--trial-seconds", type=float, default=300.0,
                        help="how long a new release may take to its first healthy heartbeat")
    args = parser.parse_args(argv)
    return Launcher(args.root, args.trial_seconds).run()


if __name__ == "__main__":
    sys.exit(main())
