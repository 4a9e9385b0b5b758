"""The kiosk PC install (deploy/kiosk-pc) as far as a test run allows: the unit file checked by systemd-analyze,
build-release's archive accepted by the server's upload check, install.sh into a directory tree (as for an image or
a chroot: a real useradd into its /etc, the layout the updater keeps, the pinned key, the unit, the journal's
rotation), the launcher starting the installed release, and uninstall.sh. Not exercised here: apt-get, pip
creating the venv, systemctl, Xorg on a real tty, and systemd restarting the unit (see README "Installing on a
kiosk PC"); the watchdog feeding is checked in tests/gui/test_gui.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server.releases.releases import archive_version

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy/kiosk-pc"
KEY = "ab" * 32


def test_the_unit_passes_systemd_analyze_verify(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (Makefile SYSTEM_PACKAGES has systemd)")
    checked = subprocess.run(["systemd-analyze", "verify", str(DEPLOY / "lobby-kiosk.service")],
                             capture_output=True, text=True, timeout=60)
    # verify exits 0 even for a directive it ignores: any word about the unit is a fault.
    assert checked.returncode == 0 and "lobby-kiosk" not in checked.stdout + checked.stderr, checked.stderr
    broken = tmp_path / "lobby-kiosk.service"
    broken.write_text((DEPLOY / "lobby-kiosk.service").read_text().replace("WatchdogSec=60", "WatchdogSec=sixty"))
    complaint = subprocess.run(["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, timeout=60)
    assert "WatchdogSec" in complaint.stderr or "sec value" in complaint.stderr


def _fresh_root(root: Path) -> None:
    """A directory tree with the /etc that useradd --root needs: root and the device groups, as on Debian."""
    etc = root / "etc"
    etc.mkdir(parents=True)
    (etc / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (etc / "shadow").write_text("root:*:19000:0:99999:7:::\n")
    groups = {"root": 0, "tty": 5, "dialout": 20, "audio": 29, "video": 44, "input": 105}
    (etc / "group").write_text("".join(f"{name}:x:{gid}:\n" for name, gid in groups.items()))
    (etc / "gshadow").write_text("".join(f"{name}:*::\n" for name in groups))
    if Path("/etc/login.defs").exists():
        shutil.copy("/etc/login.defs", etc / "login.defs")


@pytest.mark.skipif(os.geteuid() != 0, reason="install.sh runs as root (useradd into the tree)")
def test_build_release_install_into_a_tree_launch_and_uninstall(tmp_path):
    built = subprocess.run([str(DEPLOY / "build-release"), str(tmp_path / "out")], capture_output=True, text=True,
                           timeout=300, check=True)
    archive = Path(built.stdout.strip().splitlines()[-1])
    from kiosk import __version__

    assert archive.name == f"lobby-kiosk-{__version__}.tar.gz"
    assert archive_version(archive.read_bytes()) == __version__  # the console's upload check accepts it

    tree = tmp_path / "pc"
    _fresh_root(tree)
    bad_key = subprocess.run(["sh", str(DEPLOY / "install.sh"), "--root", str(tree), "--release-key", "nope"],
                             capture_output=True, text=True, timeout=60)
    assert bad_key.returncode == 2 and "64 hex digits" in bad_key.stderr
    subprocess.run(["sh", str(DEPLOY / "install.sh"), "--root", str(tree), "--release", str(archive),
                    "--release-key", KEY], check=True, capture_output=True, timeout=300)

    opt = tree / "opt/lobby-kiosk"
    kiosk = next(line.split(":") for line in (tree / "etc/passwd").read_text().splitlines() if line.startswith("kiosk:"))
    assert kiosk[5] == "/var/lib/lobby-kiosk" and kiosk[6] == "/usr/sbin/nologin"
    assert "kiosk" in next(line for line in (tree / "etc/group").read_text().splitlines() if line.startswith("video:"))
    state = json.loads((opt / "state/state.json").read_text())
    assert state["current"] == __version__ and state["trial"] is None
    assert (opt / f"releases/{__version__}/kiosk/__main__.py").exists()
    assert (opt / "release-key.pub").read_text().strip() == KEY
    assert (opt / "release-key.pub").stat().st_uid == 0  # the kiosk user cannot change the pinned key
    assert (opt / "state").stat().st_uid == int(kiosk[2])
    assert (tree / "etc/systemd/system/lobby-kiosk.service").read_text() == (DEPLOY / "lobby-kiosk.service").read_text()
    assert "SystemMaxUse" in (tree / "etc/systemd/journald.conf.d/lobby-kiosk.conf").read_text()
    assert (tree / "etc/lobby-kiosk/settings.toml").exists()

    # The installed launcher starts the installed release (here `kiosk check`, for want of a display).
    release = opt / f"releases/{__version__}"
    (release / "venv").symlink_to(sys.prefix, target_is_directory=True)  # what pip made on the real PC
    (release / "RELEASE.json").write_text(json.dumps({"version": __version__, "command": ["{python}", "-m", "kiosk", "check"]}))
    started = subprocess.run([sys.executable, str(opt / "bin/kiosk-launch"), "--root", str(opt)], capture_output=True,
                             text=True, timeout=120, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert started.returncode == 0, started.stderr[-2000:]

    subprocess.run(["sh", str(DEPLOY / "uninstall.sh"), "--root", str(tree)], check=True, capture_output=True, timeout=60)
    assert not opt.exists() and not (tree / "etc/systemd/system/lobby-kiosk.service").exists()
    assert (tree / "var/lib/lobby-kiosk/data").exists()  # the data stays without --purge
    subprocess.run(["sh", str(DEPLOY / "uninstall.sh"), "--root", str(tree), "--purge"], check=True,
                   capture_output=True, timeout=60)
    assert not (tree / "var/lib/lobby-kiosk").exists()
    assert "kiosk:" not in (tree / "etc/passwd").read_text()
