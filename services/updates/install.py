"""Getting a verified release onto the disk: the resumable download, and the unpacking beside the running one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
from pathlib import Path

from common.releases import RELEASE_FILE, ReleaseError, ReleaseManifest
from services.sync.api import ServerApi
from services.updates.launcher import release_dir

CHUNK = 256 * 1024
LOCK_FILE = "requirements.lock"


def download(api: ServerApi, manifest: ReleaseManifest, downloads: Path) -> Path:
    """The archive in ``downloads/<version>.tar.gz``, its size and SHA-256 those of the manifest.

    A partial file from an earlier try is resumed with a Range request; one that turns out wrong is removed,
    so the next try starts over.
    """
    downloads.mkdir(parents=True, exist_ok=True)
    part = downloads / f"{manifest.version}.part"
    done = downloads / f"{manifest.version}.tar.gz"
    if done.exists() and _matches(done, manifest):
        return done
    have = part.stat().st_size if part.exists() else 0
    if have > manifest.size:
        part.unlink()
        have = 0
    if have < manifest.size:
        with api.release_archive(manifest.version, have) as response:
            mode = "ab" if response.status_code == 206 else "wb"  # 200: the server sent it whole
            with open(part, mode) as file:
                for chunk in response.iter_content(CHUNK):
                    file.write(chunk)
                    if file.tell() > manifest.size:
                        break
    if not _matches(part, manifest):
        part.unlink(missing_ok=True)
        raise ReleaseError(f"the downloaded archive of {manifest.version} does not match its signed size and "
                           "SHA-256 (tampered with, or damaged in transit)")
    os.replace(part, done)
    return done


def _matches(path: Path, manifest: ReleaseManifest) -> bool:
    if path.stat().st_size != manifest.size:
        return False
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest() == manifest.sha256


def unpack(archive: Path, root: Path, version: str, running: str | None) -> Path:
    """Unpack into releases/<version> (through a temporary folder, so a half-unpacked release never looks
    installed), check it says the same version, and give it the running release's venv when its locked
    requirements are the same; one that needs other packages is refused (installed on site with install.sh)."""
    target = release_dir(root, version)
    staging = target.with_name(f".{version}.unpacking")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")  # no absolute paths, no "..", no devices
        said = json.loads((staging / RELEASE_FILE).read_text(encoding="utf-8")).get("version")
        if said != version:
            raise ReleaseError(f"the archive says it is {said}, the signed manifest {version}")
        _give_venv(staging, release_dir(root, running) if running else None)
    except (OSError, ValueError, tarfile.TarError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ReleaseError(f"release {version} could not be installed: {exc}") from None
    except ReleaseError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    return target


def _give_venv(release: Path, running: Path | None) -> None:
    if (release / "venv").exists():
        return
    if running is not None and _same_lock(release, running):
        (release / "venv").symlink_to((running / "venv").resolve(), target_is_directory=True)
        return
    raise ReleaseError("this release needs other Python packages than the running one, and building a new "
                       "environment on the terminal is not supported yet: install it with deploy/kiosk-pc/install.sh")


def _same_lock(release: Path, running: Path) -> bool:
    mine, theirs = release / LOCK_FILE, running / LOCK_FILE
    return mine.exists() and theirs.exists() and mine.read_bytes() == theirs.read_bytes()


def remove_old_releases(root: Path, keep: set[str]) -> None:
    """Everything in releases/ except the versions kept (the current and the previous one)."""
    for folder in (root / "releases").iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
