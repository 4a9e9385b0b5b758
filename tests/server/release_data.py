"""Kiosk release archives for tests, made as deploy/kiosk-pc/build-release makes them."""

from __future__ import annotations

import io
import json
import sys
import tarfile
from pathlib import Path

from services.updates.launcher import write_state

ROOT = Path(__file__).resolve().parents[2]


def release_archive(version: str, command: list[str] | None = None) -> bytes:
    """RELEASE.json (version, command) and requirements.lock at the top of a .tar.gz."""
    buffer = io.BytesIO()
    release = {"version": version, **({"command": command} if command else {})}
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in (("RELEASE.json", json.dumps(release).encode()),
                           ("requirements.lock", (ROOT / "requirements.lock").read_bytes())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def upload_release(server, version: str, archive: bytes | None = None, notes: str = ""):
    """POST /admin/releases; the reply as it came."""
    return server.admin("POST", "/admin/releases", data={"version": version, "notes": notes or f"notes of {version}"},
                        files={"file": (f"lobby-kiosk-{version}.tar.gz", archive or release_archive(version),
                                        "application/gzip")})


def install_first_release(root: Path, version: str, public_key: str, command: list[str] | None = None) -> None:
    """What install.sh leaves: releases/<version> with its venv (this one's), state.json, the pinned key."""
    folder = root / "releases" / version
    folder.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(release_archive(version, command))) as tar:
        tar.extractall(folder, filter="data")
    (folder / "venv").symlink_to(sys.prefix, target_is_directory=True)
    (root / "release-key.pub").write_text(public_key)
    write_state(root, {"current": version, "previous": None, "trial": None, "rollbacks": [], "failed_versions": []})
