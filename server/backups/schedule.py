"""Scheduled backups: one a day after BACKUP_HOUR (local time) into BACKUP_DIR, made by whichever server process
gets there first (the day's slot is a unique row), then retention: the newest BACKUP_KEEP_DAILY days and the
newest copy of each of the last BACKUP_KEEP_WEEKLY ISO weeks stay, older copies go."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server.backups.copies import BackupError, read_manifest, take_backup
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.fleet.models import Backup

log = logging.getLogger(__name__)


def due_slot(settings: ServerSettings, now: datetime) -> str | None:
    """Today's slot ("2026-12-04", local date) once it is past the backup hour; None before, or with no BACKUP_DIR."""
    if settings.backup_dir is None:
        return None
    local = now.astimezone(ZoneInfo(settings.timezone))
    return local.date().isoformat() if local.hour >= settings.backup_hour else None


def _slot_taken(settings: ServerSettings, slot: str) -> bool:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            return db.scalar(select(Backup.id).where(Backup.slot == slot)) is not None
    finally:
        engine.dispose()


def run_scheduled_backup(settings: ServerSettings, now: datetime) -> Path | None:
    """Make today's backup if it is due and nobody made it yet, then prune; the new copy's directory, if any."""
    slot = due_slot(settings, now)
    if slot is None or settings.backup_dir is None or _slot_taken(settings, slot):
        return None
    try:
        target = backup_and_prune(settings, settings.backup_dir, slot)
    except BackupError as exc:
        log.warning("scheduled backup %s not made: %s", slot, exc)
        return None
    log.info("scheduled backup %s made in %s", slot, target)
    return target


def backup_and_prune(settings: ServerSettings, backup_dir: Path, slot: str | None = None) -> Path:
    """A new copy in ``backup_dir`` (the day's ``slot`` claimed, if any), then retention; the copy's directory.
    The schedule and the console's "back up now" both make their copies here."""
    target, _manifest = take_backup(settings, backup_dir, slot=slot)
    for gone in prune(backup_dir, settings.backup_keep_daily, settings.backup_keep_weekly,
                      ZoneInfo(settings.timezone)):
        log.info("backup %s removed (retention)", gone)
    return target


def prune(directory: Path, keep_daily: int, keep_weekly: int, zone: ZoneInfo) -> list[Path]:
    """Remove the backups in ``directory`` that retention no longer keeps; the removed directories."""
    found: list[tuple[datetime, Path]] = []
    for child in directory.iterdir():
        if child.is_dir() and child.name.startswith("kiosk-backup-"):
            try:
                found.append((read_manifest(child).taken_at.astimezone(zone), child))
            except BackupError:
                continue  # not ours, or half made: left for a person to look at
    found.sort(reverse=True)
    keep: set[Path] = set()
    days: list[object] = []
    weeks: list[object] = []
    for taken_at, path in found:
        day, week = taken_at.date(), taken_at.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(path)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.append(week)
            keep.add(path)
    removed = [path for _taken_at, path in found if path not in keep]
    for path in removed:
        shutil.rmtree(path)
    return removed
