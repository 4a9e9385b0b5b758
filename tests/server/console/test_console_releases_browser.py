"""The Software updates page in real headless Chromium: an administrator uploads a release through the file field
and starts a rollout to a group; the canary's rollback shows with its reason. Saves
docs/screenshots/console-releases.png (in Chinese)."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from server.core.clock import utcnow
from tests.server.calls import enrolled_terminal
from tests.server.console.browser import chromium
from tests.server.console.test_console_browser import SCREENSHOTS, _sign_in, _wait
from tests.server.release_data import release_archive, upload_release


def test_upload_a_release_and_roll_it_out_in_the_browser(live_server, tmp_path):
    terminals = [enrolled_terminal(live_server, name=name, location="T1 一层大堂", group="大堂")
                 for name in ("T1 大堂 1 号机", "T1 大堂 2 号机", "T2 南门")]
    for terminal in terminals:
        terminal.heartbeat(app_version="0.9.0")
    assert upload_release(live_server, "0.9.5", notes="修正打印机重连").status_code == 201
    archive = tmp_path / "lobby-kiosk-1.0.0.tar.gz"
    archive.write_bytes(release_archive("1.0.0"))
    with chromium() as browser:
        _sign_in(browser, live_server)
        browser.get(f"{live_server.url}/console/language/zh_CN")
        browser.get(f"{live_server.url}/console/releases")
        browser.find_element(By.ID, "release-version").send_keys("1.0.0")
        browser.find_element(By.ID, "release-notes").send_keys("搜索更快；反馈可附照片")
        browser.find_element(By.ID, "release-file").send_keys(str(archive))
        browser.find_element(By.CSS_SELECTOR, "#release-upload button[type=submit]").click()
        _wait(browser, lambda b: "done=uploaded" in b.current_url)
        assert "搜索更快" in browser.find_element(By.ID, "release-history").text

        Select(browser.find_element(By.ID, "rollout-version")).select_by_value("1.0.0")
        Select(browser.find_element(By.ID, "rollout-scope")).select_by_value("group:大堂")
        minutes = browser.find_element(By.ID, "rollout-minutes")
        minutes.clear()
        minutes.send_keys("20")
        browser.find_element(By.CSS_SELECTOR, "#release-rollout button[type=submit]").click()
        _wait(browser, lambda b: "done=rollout" in b.current_url)
        rollout = browser.find_element(By.ID, "rollout-1").text
        assert "先行终端：T1 大堂 1 号机" in rollout and "等待先行终端" in rollout

        # The canary installs 1.0.0 and reports it; a 1.0.1 rolled back by the canary shows its reason.
        canary = terminals[0]
        canary.call("POST", "/terminal/update-report", json={"version": "1.0.0", "outcome": "installed",
                                                             "at": utcnow().isoformat(), "rollout_id": 1})
        canary.heartbeat(app_version="1.0.0")
        canary.call("POST", "/terminal/update-report", json={
            "version": "1.0.1", "outcome": "rolled_back", "at": utcnow().isoformat(),
            "reason": "back to 1.0.0: exited with status 1 before its first healthy heartbeat"})
        browser.get(f"{live_server.url}/console/releases")
        assert "已是最新" in browser.find_element(By.ID, "rollout-1").text
        assert "exited with status 1" in browser.find_element(By.ID, "update-problems").text
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        frame = browser.execute_script("return window.outerHeight - window.innerHeight")
        browser.set_window_size(1440, browser.execute_script("return document.documentElement.scrollHeight") + frame)
        browser.save_screenshot(str(SCREENSHOTS / "console-releases.png"))
