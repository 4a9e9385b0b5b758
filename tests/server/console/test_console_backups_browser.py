"""The Backups page in real headless Chromium: "back up now" clicked by an administrator makes a copy beside the
older days' ones (retention keeps them), "verify" reads a copy and says it matches; saves
docs/screenshots/console-backups.png (in Chinese)."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

from selenium.webdriver.common.by import By

from server.backups.copies import MANIFEST, backup_name, read_manifest, take_backup
from server.backups.schema_version import code_head
from server.core.clock import utcnow
from server.core.config import ServerSettings
from server.core.db import make_engine, make_session_factory
from server.fleet.models import Restore
from tests.server.calls import enrolled_terminal
from tests.server.console.browser import chromium
from tests.server.console.test_console_browser import SCREENSHOTS, _sign_in, _wait


def _earlier_copies(live_server, folder, days: tuple[int, ...]) -> None:
    """Copies of earlier days: one real copy, and the same file under the manifests of those days (its checksum
    still holds), as the schedule would have left them."""
    settings = ServerSettings(database_url=live_server.database_url, kiosk_server_data_dir=live_server.data_dir)
    first, manifest = take_backup(settings, folder)
    for days_ago in days:
        taken_at = manifest.taken_at - timedelta(days=days_ago)
        copy = shutil.copytree(first, folder / backup_name(taken_at))
        document = json.loads((copy / MANIFEST).read_text())
        (copy / MANIFEST).write_text(json.dumps({**document, "taken_at": taken_at.isoformat()}))
    shutil.rmtree(first)


def _restored_earlier(live_server) -> None:
    engine = make_engine(live_server.database_url)
    try:
        with make_session_factory(engine)() as db:
            taken_at = utcnow() - timedelta(days=3, hours=2)
            db.add(Restore(backup_taken_at=taken_at, restored_at=utcnow() - timedelta(days=3),
                           source=f"/srv/kiosk-backups/{backup_name(taken_at)}", schema_version=code_head()))
            db.commit()
    finally:
        engine.dispose()


def test_back_up_now_and_verify_in_the_browser(backup_folder, live_server):
    enrolled_terminal(live_server, name="T1 大堂 1 号机")
    _earlier_copies(live_server, backup_folder, (1, 2, 3))
    _restored_earlier(live_server)
    with chromium() as browser:
        _sign_in(browser, live_server)
        browser.get(f"{live_server.url}/console/language/zh_CN")
        browser.get(f"{live_server.url}/console/backups")
        browser.find_element(By.CSS_SELECTOR, "#backup-now button").click()
        _wait(browser, lambda b: "started=1" in b.current_url)

        def finished(b):
            b.get(f"{live_server.url}/console/backups")
            return "完成" in b.find_element(By.ID, "backup-status").text

        _wait(browser, finished)
        rows = browser.find_elements(By.CSS_SELECTOR, "#backup-copies tbody tr")
        assert len(rows) == 4  # today's and the three earlier days': retention keeps one a day
        names = sorted((p.name for p in backup_folder.iterdir()), reverse=True)
        assert read_manifest(backup_folder / names[0]).taken_at.date() == utcnow().date()
        rows[0].find_element(By.CSS_SELECTOR, "button[name=verify]").click()
        _wait(browser, lambda b: "已核对" in b.find_element(By.ID, "backup-copies").text)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        frame = browser.execute_script("return window.outerHeight - window.innerHeight")
        browser.set_window_size(1440, browser.execute_script("return document.documentElement.scrollHeight") + frame)
        browser.save_screenshot(str(SCREENSHOTS / "console-backups.png"))
