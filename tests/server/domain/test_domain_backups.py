"""Backups and restores against a real migrated database: a copy restores into an empty database with every row,
a damaged or too-new copy and a non-empty target are refused, missing secrets are named with what will fail,
retention keeps the right copies, and two processes never both make the day's scheduled copy."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from server.backups import copies, schedule
from server.backups.copies import BackupError
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.core.server_secrets import KEPT_SECRETS, configured_secret
from server.fleet.models import Backup, CatalogueVersion, Restore
from tests.server.domain.builders import BOTH_DIALECTS


def _empty_target(settings: ServerSettings, tmp_path: Path, request) -> ServerSettings:
    """Settings naming a new, empty database of the same dialect (the one a restore goes into)."""
    if settings.database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    else:
        from tests.server_fixtures import drop_database, new_database

        admin_url = request.getfixturevalue("postgres_admin_url")
        url = new_database(admin_url)
        request.addfinalizer(lambda: drop_database(admin_url, url))
    return settings.model_copy(update={"database_url": url})


def _count(url: str, model) -> int:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as db:
            return db.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


@BOTH_DIALECTS
def test_a_backup_restores_into_an_empty_database_with_its_time_recorded(settings, db, tmp_path, request):
    for secret in KEPT_SECRETS:
        configured_secret(settings, secret)  # the server made its secrets, as it does at first use
    target, manifest = copies.take_backup(settings, tmp_path / "backups")
    assert (target / copies.MANIFEST).is_file() and manifest.sha256 == copies.file_sha256(target / manifest.file)
    assert set(manifest.secret_fingerprints) == {secret.file for secret in KEPT_SECRETS}
    finished = db.scalar(select(Backup))
    assert finished.finished_at is not None and finished.sha256 == manifest.sha256

    restored_settings = _empty_target(settings, tmp_path, request)
    outcome = copies.restore(restored_settings, target)
    assert outcome.secret_warnings == [] and outcome.upgraded_from is None
    assert _count(restored_settings.database_url, CatalogueVersion) == 1
    engine = make_engine(restored_settings.database_url)
    try:
        with make_session_factory(engine)() as restored:
            [restore] = restored.scalars(select(Restore)).all()
            assert restore.backup_taken_at == manifest.taken_at
            # The copy's own row, unfinished inside the copy, is finished after the restore.
            assert restored.scalar(select(Backup)).finished_at is not None
    finally:
        engine.dispose()
    with pytest.raises(BackupError, match="not empty"):
        copies.restore(restored_settings, target)


def test_a_damaged_copy_is_refused_before_anything_is_written(settings, tmp_path, request):
    target, manifest = copies.take_backup(settings, tmp_path / "backups")
    with (target / manifest.file).open("r+b") as file:
        file.seek(5000)
        file.write(b"\x00damage")
    restored_settings = _empty_target(settings, tmp_path, request)
    with pytest.raises(BackupError, match="fails its checksum"):
        copies.restore(restored_settings, target)
    assert not Path(restored_settings.database_url.removeprefix("sqlite:///")).exists()


def test_a_copy_from_a_newer_server_is_refused(settings, tmp_path, request):
    target, _manifest = copies.take_backup(settings, tmp_path / "backups")
    document = json.loads((target / copies.MANIFEST).read_text())
    document["schema_version"] = "0099"
    (target / copies.MANIFEST).write_text(json.dumps(document))
    with pytest.raises(BackupError, match="newer than this server"):
        copies.restore(_empty_target(settings, tmp_path, request), target)


def test_a_restore_without_the_secrets_says_what_will_not_work(settings, tmp_path, request):
    for secret in KEPT_SECRETS:
        configured_secret(settings, secret)
    target, _manifest = copies.take_backup(settings, tmp_path / "backups")
    elsewhere = _empty_target(settings, tmp_path, request).model_copy(
        update={"kiosk_server_data_dir": tmp_path / "new-machine"})
    warnings = copies.restore(elsewhere, target).secret_warnings
    assert len(warnings) == len(KEPT_SECRETS)
    assert any("ticket-key-secret is missing" in w and "no ticket can be issued" in w for w in warnings)
    assert any("feedback-pepper" in w and "status pages refuse" in w for w in warnings)
    assert any("record-seal-secret" in w and "without the visitor's phone" in w for w in warnings)


def test_retention_keeps_the_newest_days_and_one_copy_a_week(tmp_path):
    zone = ZoneInfo("Asia/Shanghai")
    start = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    made = []
    for days_back in range(40):
        taken_at = start - timedelta(days=days_back)
        directory = tmp_path / copies.backup_name(taken_at)
        directory.mkdir()
        manifest = copies.Manifest("sqlite", "0005", taken_at, "database.sqlite", "0" * 64, 0, None, {})
        (directory / copies.MANIFEST).write_text(manifest.to_json())
        made.append(directory)
    removed = schedule.prune(tmp_path, keep_daily=7, keep_weekly=4, zone=zone)
    kept = sorted(set(made) - set(removed), reverse=True)
    assert kept[:7] == made[:7]  # the newest seven days
    weeks = {copies.read_manifest(path).taken_at.astimezone(zone).isocalendar()[:2] for path in kept}
    assert len(weeks) == 4 and len(kept) == 7 + 2  # two weeks are covered by the daily copies already


def test_two_processes_make_the_days_scheduled_copy_once(settings, tmp_path):
    scheduled = settings.model_copy(update={"backup_dir": tmp_path / "scheduled", "backup_hour": 0})
    now = datetime.now(UTC)
    results: list[object] = []
    runners = [threading.Thread(target=lambda: results.append(schedule.run_scheduled_backup(scheduled, now)))
               for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    assert len([result for result in results if result is not None]) == 1
    assert len(list((tmp_path / "scheduled").iterdir())) == 1
    assert schedule.run_scheduled_backup(scheduled, now + timedelta(minutes=5)) is None  # done for today
