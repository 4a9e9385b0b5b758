"""What the Backups page shows: the copies kept in BACKUP_DIR (read from their manifests, cheap), a copy's checksum
checked on demand (reads the whole file), and the state of the latest backup attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.backups.copies import PG_TIMEOUT_SECONDS, BackupError, Manifest, file_sha256, read_manifest
from server.core.clock import as_utc
from server.fleet.models import Backup

PREFIX = "kiosk-backup-"
# An attempt unfinished for longer than the longest a copy may take did not finish (its process stopped).
RUNNING_AT_MOST = timedelta(seconds=PG_TIMEOUT_SECONDS)


class Check(StrEnum):
    """A copy's checksum check, worded by the page in the console's language."""

    OK = "ok"
    MISSING = "missing"  # the manifest names a file that is not there
    DAMAGED = "damaged"  # size or SHA-256 differ from the manifest's
    UNREADABLE = "unreadable"  # no manifest, or not one of ours


class Attempt(StrEnum):
    FINISHED = "finished"
    FAILED = "failed"
    RUNNING = "running"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class KeptCopy:
    name: str
    manifest: Manifest | None  # None: unreadable (half made, or not a backup)


def kept_copies(backup_dir: Path) -> list[KeptCopy]:
    """The backup directories in ``backup_dir``, newest first (by name: the UTC time), unreadable ones included."""
    if not backup_dir.is_dir():
        return []
    copies = []
    for child in sorted(backup_dir.iterdir(), key=lambda path: path.name, reverse=True):
        if child.is_dir() and child.name.startswith(PREFIX):
            try:
                copies.append(KeptCopy(child.name, read_manifest(child)))
            except BackupError:
                copies.append(KeptCopy(child.name, None))
    return copies


def check_copy(backup_dir: Path, name: str) -> Check | None:
    """The checksum check of the copy called ``name`` in ``backup_dir``; None when there is no such copy (a name
    from the page only: never a path)."""
    if not name.startswith(PREFIX) or "/" in name or "\\" in name or name in {".", ".."}:
        return None
    directory = backup_dir / name
    if not directory.is_dir():
        return None
    try:
        manifest = read_manifest(directory)
    except BackupError:
        return Check.UNREADABLE
    file = directory / manifest.file
    if manifest.file != file.name or not file.is_file():
        return Check.MISSING
    if file.stat().st_size != manifest.size_bytes or file_sha256(file) != manifest.sha256:
        return Check.DAMAGED
    return Check.OK


def latest_attempt(db: Session) -> Backup | None:
    return db.scalar(select(Backup).order_by(Backup.taken_at.desc(), Backup.id.desc()).limit(1))


def attempt_state(backup: Backup, now: datetime) -> Attempt:
    if backup.finished_at is not None:
        return Attempt.FINISHED
    if backup.error is not None:
        return Attempt.FAILED
    return Attempt.RUNNING if now - as_utc(backup.taken_at) < RUNNING_AT_MOST else Attempt.ABANDONED


def running_attempt(db: Session, now: datetime) -> Backup | None:
    """A backup being made now, by any server process."""
    unfinished = db.scalars(select(Backup).where(Backup.finished_at.is_(None), Backup.error.is_(None),
                                                 Backup.taken_at > now - RUNNING_AT_MOST))
    return next(iter(unfinished), None)
