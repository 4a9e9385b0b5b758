"""Uploaded releases: checked when they arrive (a version number, an archive that says the same version), kept
with their notes, and served as a signed manifest."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.releases import RELEASE_FILE, ReleaseError, ReleaseManifest, ReleaseOffer, parse_version
from server.audit.log import audit
from server.core.config import ServerSettings
from server.releases import signing
from server.releases.models import Release, Rollout

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


def archive_version(archive: bytes) -> str:
    """The version the archive says it is: RELEASE.json at the top of the .tar.gz."""
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            member = tar.extractfile(RELEASE_FILE)
            if member is None:
                raise KeyError(RELEASE_FILE)
            return str(json.loads(member.read())["version"])
    except KeyError:
        raise ReleaseError(f"the archive has no {RELEASE_FILE} at its top (make it with deploy/kiosk-pc/build-release)") from None
    except (tarfile.TarError, OSError, EOFError, ValueError, TypeError):
        raise ReleaseError("the file is not a readable .tar.gz") from None


def upload(db: Session, version: str, notes: str, filename: str, archive: bytes, actor: str) -> Release:
    if not filename.endswith(ARCHIVE_SUFFIXES):
        raise ReleaseError("a release is a .tar.gz with RELEASE.json at its top")
    if not archive:
        raise ReleaseError("the file is empty")
    parse_version(version)
    inside = archive_version(archive)
    if inside != version:
        raise ReleaseError(f"the archive says it is version {inside}, not {version}")
    if db.scalar(select(Release.id).where(Release.version == version)) is not None:
        raise ReleaseError(f"version {version} was uploaded already; a changed build needs a new version")
    release = Release(version=version, notes=notes.strip(), filename=filename.rsplit("/", 1)[-1][:200],
                      size=len(archive), sha256=hashlib.sha256(archive).hexdigest(), archive=archive,
                      uploaded_by=actor)
    db.add(release)
    db.flush()
    audit(db, actor, "release.upload", f"release:{version}", size=len(archive), sha256=release.sha256)
    return release


def history(db: Session) -> list[Release]:
    releases = list(db.scalars(select(Release)))
    return sorted(releases, key=lambda r: parse_version(r.version), reverse=True)


def by_version(db: Session, version: str) -> Release | None:
    return db.scalar(select(Release).where(Release.version == version))


def manifest(release: Release) -> ReleaseManifest:
    return ReleaseManifest(version=release.version, size=release.size, sha256=release.sha256,
                           filename=release.filename)


def offer(settings: ServerSettings, release: Release, rollout: Rollout) -> ReleaseOffer:
    signed = manifest(release)
    return ReleaseOffer(manifest=signed, signature=signing.signature(settings, signed),
                        key_id=signing.fingerprint(settings), rollout_id=rollout.id)
