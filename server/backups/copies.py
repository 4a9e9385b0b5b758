"""A backup is a directory: the database copy and ``manifest.json`` (format, dialect, schema version, when the copy
began, the copy's SHA-256 and size, fingerprints of the secrets kept outside the database).

SQLite is copied with its online backup API (one read transaction: writers carry on, the copy is the database as
it was when the copy began); PostgreSQL with ``pg_dump --format=custom`` (one snapshot). A restore goes only into
an empty database, checks the checksum first, refuses a schema newer than the code, brings an older one up to the
code's, and records the backup's time so terminals send again what they kept since (server/backups/resend.py).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, make_url, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.backups import schema_version
from server.core.clock import utcnow
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.core.server_secrets import KEPT_SECRETS, existing_secret
from server.fleet.models import Backup, Restore

FORMAT = "lobby-kiosk-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite"
PG_DUMP_FILE = "database.pgdump"
PG_TIMEOUT_SECONDS = 3600


class BackupError(Exception):
    """A backup or restore refused or failed, said in one line for the administrator."""


@dataclass(frozen=True)
class Manifest:
    dialect: str
    schema_version: str
    taken_at: datetime
    file: str
    sha256: str
    size_bytes: int
    backup_id: int | None
    secret_fingerprints: dict[str, str]

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "dialect": self.dialect, "schema_version": self.schema_version,
            "taken_at": self.taken_at.isoformat(), "file": self.file, "sha256": self.sha256,
            "size_bytes": self.size_bytes, "backup_id": self.backup_id,
            "secret_fingerprints": self.secret_fingerprints,
        }, indent=2)


def read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    try:
        document = json.loads(path.read_text())
        if document.get("format") != FORMAT:
            raise BackupError(f"{path}: not a Lobby Kiosk backup (format {document.get('format')!r})")
        return Manifest(
            dialect=document["dialect"], schema_version=document["schema_version"],
            taken_at=datetime.fromisoformat(document["taken_at"]), file=document["file"],
            sha256=document["sha256"], size_bytes=int(document["size_bytes"]), backup_id=document.get("backup_id"),
            secret_fingerprints=dict(document.get("secret_fingerprints") or {}),
        )
    except FileNotFoundError:
        raise BackupError(f"{directory}: no {MANIFEST}; not a backup directory") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path}: unreadable manifest ({exc})") from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def secret_fingerprints(settings: ServerSettings) -> dict[str, str]:
    """A fingerprint of each secret kept outside the database (a hash: the secret itself is never in a backup)."""
    found = {}
    for secret in KEPT_SECRETS:
        value = existing_secret(settings, secret)
        if value is not None:
            found[secret.file] = hashlib.sha256(b"fingerprint:" + value).hexdigest()[:16]
    return found


def _pg_program(program: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"), key=lambda p: int(p.split("/")[4]))
    path = found[-1] if found else shutil.which(program)
    if path is None:
        raise BackupError(f"{program} is not installed (Debian: postgresql-client)")
    return path


def _libpq_url(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {(done.stderr or done.stdout).strip()[-2000:]}")


def backup_name(taken_at: datetime) -> str:
    return f"kiosk-backup-{taken_at:%Y%m%dT%H%M%SZ}"


def take_backup(settings: ServerSettings, destination: Path, slot: str | None = None) -> tuple[Path, Manifest]:
    """Copy the database into a new directory under ``destination``, while the server serves.

    The attempt is recorded in the database first (the ``backups`` row, finished when the copy is done), so the
    copy knows its own id and the backup-age metric sees only finished copies. ``slot`` claims a scheduled day:
    a second process claiming the same day gets a BackupError and copies nothing.
    """
    engine = make_engine(settings.database_url)
    try:
        dialect = engine.dialect.name
        revision = schema_version.database_revision(engine)
        if revision is None:
            raise BackupError("the database has no schema; nothing to back up")
        taken_at = utcnow()
        target = destination / backup_name(taken_at)
        with make_session_factory(engine)() as db:
            row = Backup(taken_at=taken_at, location=str(target), schema_version=revision, slot=slot)
            db.add(row)
            try:
                db.commit()
            except IntegrityError as exc:
                raise BackupError(f"backup slot {slot} is taken by another process") from exc
            backup_id = row.id
        target.mkdir(parents=True, exist_ok=False)
        try:
            file = _copy_out(settings.database_url, dialect, target)
            manifest = Manifest(dialect=dialect, schema_version=revision, taken_at=taken_at, file=file.name,
                                sha256=file_sha256(file), size_bytes=file.stat().st_size, backup_id=backup_id,
                                secret_fingerprints=secret_fingerprints(settings))
            (target / MANIFEST).write_text(manifest.to_json())
            _fsync_directory(target)
        except Exception as exc:
            shutil.rmtree(target, ignore_errors=True)
            _finish(engine, backup_id, error=str(exc)[:2000])
            raise
        _finish(engine, backup_id, manifest=manifest)
        return target, manifest
    finally:
        engine.dispose()


def _finish(engine, backup_id: int, manifest: Manifest | None = None, error: str | None = None) -> None:
    with make_session_factory(engine)() as db:
        values = ({"finished_at": utcnow(), "sha256": manifest.sha256, "size_bytes": manifest.size_bytes}
                  if manifest is not None else {"error": error})
        db.execute(update(Backup).where(Backup.id == backup_id).values(**values))
        db.commit()


def _copy_out(database_url: str, dialect: str, target: Path) -> Path:
    if dialect == "sqlite":
        file = target / SQLITE_FILE
        source = sqlite3.connect(_sqlite_path(database_url), timeout=30)
        copy = sqlite3.connect(file)
        try:
            source.backup(copy)  # all pages in one step: one consistent read transaction
        finally:
            copy.close()
            source.close()
        return file
    if dialect == "postgresql":
        file = target / PG_DUMP_FILE
        _run([_pg_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={file}",
              f"--dbname={_libpq_url(database_url)}"], "pg_dump")
        return file
    raise BackupError(f"cannot back up a {dialect} database")


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _fsync_directory(directory: Path) -> None:
    for path in (*directory.iterdir(), directory):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@dataclass(frozen=True)
class RestoreOutcome:
    manifest: Manifest
    upgraded_from: str | None
    # Plain sentences: what will not work because a secret kept outside the database is missing or different.
    secret_warnings: list[str]


def check_backup(source: Path) -> Manifest:
    """The manifest of a sound backup: its copy is there and matches the checksum."""
    manifest = read_manifest(source)
    file = source / manifest.file
    if not file.is_file():
        raise BackupError(f"{file}: the database copy is missing")
    if file.stat().st_size != manifest.size_bytes or file_sha256(file) != manifest.sha256:
        raise BackupError(f"{file}: the copy fails its checksum (damaged or changed); not restored")
    if manifest.schema_version not in schema_version.known_revisions():
        raise BackupError(f"the backup's schema version {manifest.schema_version} is newer than this server's "
                          f"({schema_version.code_head()}); restore it with the server version that made it")
    return manifest


def restore(settings: ServerSettings, source: Path) -> RestoreOutcome:
    """Restore the backup in ``source`` into the (empty) database of DATABASE_URL."""
    manifest = check_backup(source)
    engine = make_engine(settings.database_url)
    try:
        if engine.dialect.name != manifest.dialect:
            raise BackupError(f"the backup is of a {manifest.dialect} database; DATABASE_URL is {engine.dialect.name}")
        if inspect(engine).get_table_names():
            raise BackupError("the database is not empty; restore goes only into an empty database")
    finally:
        engine.dispose()
    _copy_in(settings.database_url, manifest, source / manifest.file)
    upgraded_from = None
    if manifest.schema_version != schema_version.code_head():
        schema_version.upgrade_to_head()
        upgraded_from = manifest.schema_version
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            _record_restore(db, manifest, source)
            db.commit()
    finally:
        engine.dispose()
    return RestoreOutcome(manifest, upgraded_from, secret_warnings(settings, manifest))


def _copy_in(database_url: str, manifest: Manifest, file: Path) -> None:
    if manifest.dialect == "sqlite":
        target = _sqlite_path(database_url)
        for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)  # an empty database file: nothing in it (checked above)
        source, copy = sqlite3.connect(file), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    _run([_pg_program("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={_libpq_url(database_url)}", str(file)], "pg_restore")


def _record_restore(db: Session, manifest: Manifest, source: Path) -> None:
    if manifest.backup_id is not None:
        # The copy was made while its own row said "unfinished"; it is finished, as the manifest shows.
        db.execute(update(Backup).where(Backup.id == manifest.backup_id, Backup.finished_at.is_(None))
                   .values(finished_at=manifest.taken_at, sha256=manifest.sha256, size_bytes=manifest.size_bytes))
    db.add(Restore(backup_taken_at=manifest.taken_at, source=str(source)[:500],
                   schema_version=schema_version.code_head()))


def secret_warnings(settings: ServerSettings, manifest: Manifest) -> list[str]:
    """What will not work on the restored database, for each kept secret missing or not the one of the backup."""
    now = secret_fingerprints(settings)
    warnings = []
    for secret in KEPT_SECRETS:
        then = manifest.secret_fingerprints.get(secret.file)
        if then is None:
            continue  # the backed-up server never made it: nothing depends on it
        setting = secret.setting.upper()
        if secret.file not in now:
            warnings.append(f"{secret.file} is missing ({setting} is empty and the data directory has no "
                            f"{secret.file}): {secret.without_it}")
        elif now[secret.file] != then:
            warnings.append(f"{secret.file} is not the one of the backup ({setting} or the data directory's "
                            f"{secret.file} differs): {secret.without_it}")
    return warnings


def latest_finished(db: Session) -> Backup | None:
    return db.scalar(select(Backup).where(Backup.finished_at.is_not(None)).order_by(Backup.taken_at.desc()).limit(1))
