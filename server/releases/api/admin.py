"""Releases for administrators: upload, history, the public key to pin, rollouts and their progress."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, UploadFile, status

from common.releases import MAX_RELEASE_BYTES, ReleaseError
from server.api.deps import CurrentAdmin, CurrentStaff, DbSession, Settings
from server.core.clock import utcnow
from server.releases import releases, rollouts, schemas, signing
from server.releases.models import Release, Rollout

router = APIRouter(prefix="/admin/releases", tags=["admin"])


def summary(release: Release) -> schemas.ReleaseSummary:
    return schemas.ReleaseSummary(version=release.version, notes=release.notes, filename=release.filename,
                                  size=release.size, sha256=release.sha256, uploaded_by=release.uploaded_by,
                                  uploaded_at=release.uploaded_at)


def rollout_status(db, rollout: Rollout) -> schemas.RolloutStatus:
    release = db.get(Release, rollout.release_id)
    rows = rollouts.progress(db, rollout, release, utcnow())
    return schemas.RolloutStatus(
        id=rollout.id, version=release.version, scope=rollout.scope, target=rollout.target,
        canary_terminal_id=rollout.canary_terminal_id, canary_minutes=rollout.canary_minutes,
        status=rollout.status, halted_reason=rollout.halted_reason,
        terminals=[schemas.TerminalRolloutState(terminal_id=r.terminal.id, name=r.terminal.name,
                                                app_version=r.terminal.app_version, state=r.state, detail=r.detail)
                   for r in rows])


@router.get("")
def list_releases(staff: CurrentStaff, db: DbSession) -> list[schemas.ReleaseSummary]:
    return [summary(r) for r in releases.history(db)]


@router.get("/public-key")
def public_key(staff: CurrentStaff, settings: Settings) -> dict[str, str]:
    return {"public_key": signing.public_key(settings), "key_id": signing.fingerprint(settings)}


@router.post("", status_code=status.HTTP_201_CREATED)
def upload(admin: CurrentAdmin, db: DbSession, version: Annotated[str, Form(max_length=40)],
           file: Annotated[UploadFile, File()], notes: Annotated[str, Form(max_length=4000)] = "") \
        -> schemas.ReleaseSummary:
    data = file.file.read(MAX_RELEASE_BYTES + 1)
    if len(data) > MAX_RELEASE_BYTES:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "the release is larger than 512 MiB")
    try:
        release = releases.upload(db, version.strip(), notes, file.filename or "release.tar.gz", data, admin.username)
    except ReleaseError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    db.commit()
    return summary(release)


@router.post("/{version}/rollouts", status_code=status.HTTP_201_CREATED)
def start_rollout(version: str, body: schemas.RolloutCreate, admin: CurrentAdmin, db: DbSession,
                  settings: Settings) -> schemas.RolloutStatus:
    release = releases.by_version(db, version)
    if release is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such release")
    minutes = settings.release_canary_minutes if body.canary_minutes is None else body.canary_minutes
    try:
        rollout = rollouts.start(db, release, body.scope, body.target, body.canary_terminal_id, minutes,
                                 admin.username, utcnow())
    except ReleaseError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    db.commit()
    return rollout_status(db, rollout)


@router.get("/rollouts/{rollout_id}")
def get_rollout(rollout_id: int, staff: CurrentStaff, db: DbSession) -> schemas.RolloutStatus:
    rollout = db.get(Rollout, rollout_id)
    if rollout is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such rollout")
    return rollout_status(db, rollout)
