"""The Releases page: the public key terminals pin, each terminal's version, upload (admins), the history with
notes, rollouts with each terminal's progress, and every rollback, refusal or failure with its reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from common.releases import MAX_RELEASE_BYTES, ReleaseError
from server.api.deps import DbSession, Settings
from server.backups.console.pages import size_text
from server.core.clock import utcnow
from server.core.config import ServerSettings
from server.fleet.models import HeartbeatLog, Terminal, TerminalGroup
from server.releases import releases, rollouts, signing
from server.releases.models import Release
from server.web.i18n import N_
from server.web.sessions import ConsoleAdmin, ConsoleStaff
from server.web.templating import render

router = APIRouter()

_UPLOAD_REFUSED = N_("The release was not uploaded:")
_ROLLOUT_REFUSED = N_("The rollout was not started:")


def _page(request: Request, db, settings: ServerSettings, error: str | None = None, detail: str = "",
          status_code: int = 200) -> Response:
    now = utcnow()
    by_id = {r.id: r for r in db.scalars(select(Release))}
    shown = []
    for rollout in rollouts.rollouts(db, 10):
        release = by_id[rollout.release_id]
        shown.append((rollout, release, rollouts.progress(db, rollout, release, now)))
    terminals = list(db.scalars(select(Terminal).where(Terminal.revoked_at.is_(None)).order_by(Terminal.id)))
    # Health the heartbeat carries beyond the terminal's row: the clock's offset and memory pressure.
    latest = {t.id: db.scalar(select(HeartbeatLog.heartbeat).where(HeartbeatLog.terminal_id == t.id)
                              .order_by(HeartbeatLog.id.desc()).limit(1)) or {} for t in terminals}
    return render(request, "releases.html", {
        "public_key": signing.public_key(settings), "key_id": signing.fingerprint(settings),
        "history": releases.history(db), "rollouts": shown, "problems": rollouts.recent_problems(db),
        "terminals": terminals, "latest": latest, "size_text": size_text, "names": {t.id: t.name for t in terminals},
        "groups": list(db.scalars(select(TerminalGroup.name).order_by(TerminalGroup.name))),
        "canary_minutes": settings.release_canary_minutes,
        "error": error, "detail": detail, "done": request.query_params.get("done", ""),
    }, status_code)


@router.get("/releases")
def releases_page(request: Request, user: ConsoleStaff, db: DbSession, settings: Settings) -> Response:
    return _page(request, db, settings)


@router.post("/releases")
def upload_release(request: Request, user: ConsoleAdmin, db: DbSession, settings: Settings,
                   version: Annotated[str, Form(max_length=40)], file: Annotated[UploadFile, File()],
                   notes: Annotated[str, Form(max_length=4000)] = "") -> Response:
    data = file.file.read(MAX_RELEASE_BYTES + 1)
    try:
        if len(data) > MAX_RELEASE_BYTES:
            raise ReleaseError("larger than 512 MiB")
        releases.upload(db, version.strip(), notes, file.filename or "release.tar.gz", data, user.username)
    except ReleaseError as exc:
        db.rollback()
        return _page(request, db, settings, _UPLOAD_REFUSED, str(exc), 422)
    db.commit()
    return RedirectResponse("/console/releases?done=uploaded", status_code=303)


@router.post("/releases/rollout")
def start_rollout(request: Request, user: ConsoleAdmin, db: DbSession, settings: Settings,
                  version: Annotated[str, Form(max_length=40)], scope: Annotated[str, Form(max_length=80)],
                  canary_minutes: Annotated[int, Form(ge=0, le=7 * 24 * 60)]) -> Response:
    # scope is "all", "group:<name>" or "terminal:<id>", one select in the form.
    kind, _, target = scope.partition(":")
    release = releases.by_version(db, version)
    try:
        if release is None:
            raise ReleaseError(f"no release {version}")
        rollouts.start(db, release, kind, target, None, canary_minutes, user.username, utcnow())
    except ReleaseError as exc:
        db.rollback()
        return _page(request, db, settings, _ROLLOUT_REFUSED, str(exc), 422)
    db.commit()
    return RedirectResponse("/console/releases?done=rollout", status_code=303)
