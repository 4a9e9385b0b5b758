"""The Backups page: the settings in force, the latest attempt, the newest copy's age against the alert rule's limit,
the copies kept in BACKUP_DIR (a checksum checked on demand), the last restore and the terminals still to re-send;
admins start a backup now (in a thread: a PostgreSQL dump can take minutes)."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from server.alerts import lifecycle
from server.api.deps import DbSession, Settings
from server.audit.log import audit
from server.backups.copies import BackupError, latest_finished
from server.backups.kept_copies import Check, attempt_state, check_copy, kept_copies, latest_attempt, running_attempt
from server.backups.resend import pending_terminals
from server.backups.schedule import backup_and_prune
from server.core.clock import as_utc, utcnow
from server.core.config import ServerSettings
from server.fleet.models import Restore
from server.web.i18n import N_
from server.web.sessions import ConsoleAdmin, ConsoleStaff
from server.web.templating import render

router = APIRouter()
log = logging.getLogger(__name__)

_NOT_CONFIGURED = N_("Scheduled backups are off: set BACKUP_DIR to a folder the server may write, then restart it.")
_ALREADY_RUNNING = N_("A backup is already being made; wait for it to finish.")
_NOT_WRITABLE = N_("The server cannot write to the backup folder: give its user the right to write there, or set "
                   "BACKUP_DIR to another folder.")
_NO_SUCH_COPY = N_("There is no such copy in the backup folder (removed by retention?).")


def size_text(size: int | None) -> str:
    """Bytes as people read them: 840 B, 12.3 MB (units are the same in Chinese)."""
    if size is None:
        return "—"
    if size < 1024:
        return f"{size} B"
    value, unit = size / 1024, "KB"
    for bigger in ("MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"


def _page(request: Request, db, settings: ServerSettings, error: str | None = None,
          checked: tuple[str, Check] | None = None, status_code: int = 200) -> Response:
    now = utcnow()
    attempt = latest_attempt(db)
    newest = latest_finished(db)
    rule = lifecycle.load_settings(db).rules.backup_stale
    limit_hours = rule.max_age_hours
    age_seconds = (now - as_utc(newest.taken_at)).total_seconds() if newest is not None else None
    restore = db.scalar(select(Restore).order_by(Restore.id.desc()).limit(1))
    return render(request, "backups.html", {
        "backup_dir": settings.backup_dir, "settings": settings,
        "attempt": attempt, "attempt_state": attempt_state(attempt, now) if attempt is not None else None,
        "newest": newest, "age_seconds": age_seconds, "limit_hours": limit_hours, "rule_on": rule.enabled,
        "too_old": age_seconds is None or age_seconds > limit_hours * 3600,
        "copies": kept_copies(settings.backup_dir) if settings.backup_dir is not None else [],
        "checked": checked, "restore": restore,
        "awaiting_resend": pending_terminals(db) if restore is not None else 0,
        "error": error, "started": request.query_params.get("started") == "1", "size_text": size_text,
    }, status_code)


@router.get("/backups")
def backups_page(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    name = request.query_params.get("verify")
    if name is None or settings.backup_dir is None:
        return _page(request, db, settings)
    # Reads the whole copy: only for the one asked for, never on every page load.
    result = check_copy(settings.backup_dir, name)
    if result is None:
        return _page(request, db, settings, error=_NO_SUCH_COPY, status_code=404)
    return _page(request, db, settings, checked=(name, result))


@router.post("/backups")
def back_up_now(request: Request, user: ConsoleAdmin, db: DbSession, settings: Settings) -> Response:
    folder = settings.backup_dir
    if folder is None:
        return _page(request, db, settings, error=_NOT_CONFIGURED, status_code=409)
    if running_attempt(db, utcnow()) is not None:
        return _page(request, db, settings, error=_ALREADY_RUNNING, status_code=409)
    if not _writable(folder):
        return _page(request, db, settings, error=_NOT_WRITABLE, status_code=409)
    audit(db, user.username, "backups.run", str(folder))
    db.commit()
    # Not a daemon: a server stopped gracefully finishes the copy before its process exits.
    threading.Thread(target=_back_up, args=(settings, folder), name="backup-now").start()
    return RedirectResponse("/console/backups?started=1", status_code=303)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def _back_up(settings: ServerSettings, folder: Path) -> None:
    """What the schedule does, now; a failure is recorded on the attempt's row, which the page shows."""
    try:
        target = backup_and_prune(settings, folder)
    except BackupError as exc:
        log.warning("backup started in the console not made: %s", exc)
        return
    except Exception:
        log.exception("backup started in the console failed")
        return
    log.info("backup started in the console made in %s", target)
