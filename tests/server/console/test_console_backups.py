"""The Backups page over real HTTP, with BACKUP_DIR a temporary folder: the settings, the copies kept and the newest
one's age against the alert rule, a checksum verified on demand, "back up now" (a copy and an audit row; admins
only), the last restore with the terminals still to re-send, everything escaped."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.alerts import lifecycle
from server.backups.copies import take_backup
from server.backups.kept_copies import kept_copies
from server.backups.schedule import backup_and_prune
from server.backups.schema_version import code_head
from server.core.clock import utcnow
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.fleet.models import AuditEntry, Backup, Restore
from tests.server.calls import enrolled_terminal
from tests.server.console.console_client import ConsoleClient, create_operator

HOSTILE = "<img src=x onerror=alert(1)>"


def _admin(live_server) -> ConsoleClient:
    client = ConsoleClient(live_server)
    client.sign_in()
    return client


def _settings(live_server, folder) -> ServerSettings:
    return ServerSettings(database_url=live_server.database_url, kiosk_server_data_dir=live_server.data_dir,
                          backup_dir=folder)


@pytest.fixture
def db(live_server) -> Iterator[Session]:
    """A session on the live server's database (ask for it after ``backup_folder`` and ``live_server``)."""
    engine = make_engine(live_server.database_url)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_the_page_shows_the_copies_and_the_newest_age_and_verifies_on_demand(backup_folder, live_server, db):
    settings = _settings(live_server, backup_folder)
    # Two copies of one day (take_backup does not prune: retention would keep the newer only).
    older, _ = take_backup(settings, backup_folder)
    time.sleep(1.1)  # copies are named by the second they began
    newest, _ = take_backup(settings, backup_folder)
    client = _admin(live_server)
    page = client.page("/backups").text
    assert str(backup_folder) in page and "Every day after 03:00" in page
    copies = page.split('id="backup-copies"')[1].split("</table>")[0]
    assert copies.count('name="verify"') == 2 and copies.count(code_head()) == 2
    assert copies.index(f'value="{newest.name}"') < copies.index(f'value="{older.name}"')  # newest first
    assert 'class="badge badge-ok"' in page.split('id="backup-age"')[1].split("</dd>")[0]
    # Older than the alert rule's limit (24 hours): the age is a warning.
    db.execute(update(Backup).values(taken_at=utcnow() - timedelta(hours=30)))
    db.commit()
    age = client.page("/backups").text.split('id="backup-age"')[1].split("</dd>")[0]
    assert 'class="badge badge-bad"' in age and "30 h 0 min" in age
    verified = client.page("/backups", params={"verify": newest.name}).text
    assert "Verified: the copy matches its checksum" in verified
    with (newest / "database.sqlite").open("r+b") as file:
        file.seek(100)
        file.write(b"\xff")
    assert "Damaged" in client.page("/backups", params={"verify": newest.name}).text
    assert client.page("/backups", params={"verify": "../../etc"}).status_code == 404


def test_back_up_now_makes_a_copy_and_an_audit_row(backup_folder, live_server, db):
    client = _admin(live_server)
    started = client.submit("/backups", "/backups")
    assert started.status_code == 200 and started.url.endswith("/console/backups?started=1")
    deadline = time.monotonic() + 60
    while not ((copies := kept_copies(backup_folder)) and copies[0].manifest) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(copies) == 1 and copies[0].manifest is not None
    while "badge badge-ok\">&#x2714; Finished" not in (page := client.page("/backups").text) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert copies[0].manifest.taken_at.strftime("%Y%m%dT%H%M%SZ") in page  # where the copy is
    actions = db.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.target)).all()
    assert (live_server.admin_username, "backups.run", str(backup_folder)) in actions


def test_an_operator_reads_the_page_but_cannot_back_up(backup_folder, live_server):
    password = create_operator(live_server)
    client = ConsoleClient(live_server)
    client.sign_in("operator", password)
    page = client.page("/backups")
    assert page.status_code == 200 and 'id="backup-now"' not in page.text and str(backup_folder) in page.text
    refused = client.submit("/backups", "/backups")
    assert refused.status_code == 403
    assert not backup_folder.exists() or not any(backup_folder.iterdir())


@pytest.mark.parametrize("backup_folder", [HOSTILE], indirect=True)
def test_a_hostile_folder_name_is_escaped(backup_folder, live_server):
    backup_and_prune(_settings(live_server, backup_folder), backup_folder)
    page = _admin(live_server).page("/backups").text
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_without_backup_dir_the_page_says_what_to_do_and_back_up_now_is_refused(live_server):
    client = _admin(live_server)
    page = client.page("/backups").text
    assert "Scheduled backups are off: set BACKUP_DIR." in page and 'id="backup-now"' not in page
    assert "No backup yet" in page  # the newest copy's age: none at all is a warning too
    refused = client.submit("/backups", "/backups")
    assert refused.status_code == 409 and "Scheduled backups are off" in refused.text


def test_the_last_restore_shows_the_terminals_still_to_re_send(live_server, db):
    enrolled_terminal(live_server, name="T1")
    db.add(Restore(backup_taken_at=utcnow() - timedelta(hours=5), source="/srv/backups/kiosk-backup-x",
                   schema_version=code_head()))
    db.commit()
    page = _admin(live_server).page("/backups").text
    assert "/srv/backups/kiosk-backup-x" in page
    assert "&#x231B; 1" in page.split('id="awaiting-resend"')[1].split("</dd>")[0]


def test_a_failed_attempt_shows_its_reason_escaped(backup_folder, live_server, db):
    db.add(Backup(taken_at=utcnow() - timedelta(minutes=5), location=str(backup_folder / "x"), schema_version=code_head(),
                  error=f"disk full {HOSTILE}"))
    db.commit()
    status = _admin(live_server).page("/backups").text.split('id="backup-status"')[1].split("</dd>")[0]
    assert "Failed" in status and "disk full &lt;img src=x onerror=alert(1)&gt;" in status and HOSTILE not in status


def test_a_backup_running_refuses_a_second_one(backup_folder, live_server, db):
    db.add(Backup(taken_at=utcnow() - timedelta(seconds=10), location=str(backup_folder / "x"),
                  schema_version=code_head()))
    db.commit()
    client = _admin(live_server)
    page = client.page("/backups").text
    assert "Running" in page.split('id="backup-status"')[1].split("</dd>")[0]
    refused = client.submit("/backups", "/backups")
    assert refused.status_code == 409 and "A backup is already being made" in refused.text
    assert not backup_folder.exists() or not any(backup_folder.iterdir())


def test_in_chinese_the_refusal_and_the_rule_being_off_are_said_in_chinese(live_server, db):
    settings = lifecycle.load_settings(db)
    settings.rules.backup_stale.enabled = False
    lifecycle.save_settings(db, settings, "tests")
    db.commit()
    client = _admin(live_server)
    client.page("/language/zh_CN")
    page = client.page("/backups").text
    assert "备份过旧的告警规则已关闭" in page and "定时备份已关闭：请设置 BACKUP_DIR。" in page
    refused = client.submit("/backups", "/backups")
    assert refused.status_code == 409 and "定时备份已关闭：请把 BACKUP_DIR 设为服务器可写入的文件夹" in refused.text
