"""GUI scenarios with a real central server: the kiosk process under test talks to a kiosk-server on
loopback, and the scenario plays the administrator through the server's admin API (KIOSK_TEST_SERVER_URL,
KIOSK_TEST_ADMIN_TOKEN). What the kiosk shows is recorded; test_gui_sync.py asserts on it."""

from __future__ import annotations

import io
import os
from pathlib import Path

import requests


def _admin(method: str, path: str, **kwargs):
    response = requests.request(
        method,
        os.environ["KIOSK_TEST_SERVER_URL"] + path,
        headers={"Authorization": f"Bearer {os.environ['KIOSK_TEST_ADMIN_TOKEN']}"},
        timeout=10,
        **kwargs,
    )
    response.raise_for_status()
    return response.json() if response.content and "json" in response.headers.get("content-type", "") else response


def _state(app) -> str:
    return app.sync_status.state if app.sync_status else ""


def _command(terminal_id: int, kind: str, args: dict | None = None) -> int:
    created = _admin("POST", f"/api/v1/admin/terminals/{terminal_id}/commands", json={"kind": kind, "args": args or {}})
    return created["id"]


def _command_status(terminal_id: int, command_id: int) -> dict:
    listing = _admin("GET", f"/api/v1/admin/terminals/{terminal_id}/commands")
    return next(c for c in listing if c["id"] == command_id)


def config_and_commands_from_the_server(driver):
    """An enrolled kiosk: a config change and remote commands reach the screen without a restart."""
    from PIL import Image

    app, results = driver.app, driver.results
    yield from driver.until(lambda: _state(app) == "online", 60)
    results["state"] = _state(app)
    results["footer"] = app.sync_text
    (terminal,) = _admin("GET", "/api/v1/admin/terminals")
    terminal_id = terminal["id"]
    results["theme_before"] = app.kiosk_settings.display.theme

    _admin(
        "PUT",
        f"/api/v1/admin/config/terminals/{terminal_id}",
        json={
            "settings": {
                "display": {"theme": "dark"},
                "modules": {"feedback": False},
                "announcements": [{"zh": "今天下午 T1 大堂停水两小时", "en": "Water off in the T1 lobby this afternoon"}],
            },
            "comment": "GUI test",
        },
    )
    yield from driver.until(lambda: app.kiosk_settings.display.theme == "dark", 60)
    yield 0.5
    results["theme_after"] = app.kiosk_settings.display.theme
    results["announcement"] = app.announcement
    results["home_modules"] = list(app.screens["home"].modules)
    results["background"] = list(app.theme.background)

    message = _command(terminal_id, "show_message", {"text": {"zh": "十分钟后系统维护", "en": "Maintenance in ten minutes"}, "seconds": 60})
    yield from driver.until(lambda: "十分钟后系统维护" in app.root_layout.toast_text, 60)
    results["toast"] = app.root_layout.toast_text
    yield from driver.until(lambda: _command_status(terminal_id, message)["status"] == "done", 60)
    results["message_status"] = _command_status(terminal_id, message)["status"]

    shot = _command(terminal_id, "screenshot")
    yield from driver.until(lambda: _command_status(terminal_id, shot)["status"] in ("done", "failed"), 60)
    status = _command_status(terminal_id, shot)
    results["screenshot_status"] = status["status"]
    if status.get("has_screenshot"):
        png = _admin("GET", f"/api/v1/admin/commands/{shot}/screenshot").content
        with Image.open(io.BytesIO(png)) as image:
            results["screenshot_size"] = list(image.size)
            results["screenshot_format"] = image.format

    out = _command(terminal_id, "out_of_service", {"message": {"zh": "设备检修中，请到 T3-1107 办理", "en": "Being serviced: please go to T3-1107"}})
    yield from driver.until(lambda: not app.in_service, 60)
    yield 0.5
    results["notice_title"] = app.notice_title
    # Kept in the store, so a restart does not put the kiosk back in service by accident.
    results["stored_while_out"] = app.store.get_state("out_of_service_message")
    results["notice_visible_texts"] = [t for t in driver.texts() if "检修" in t or "暂停服务" in t]
    # The notice covers the home screen: a touch on the tile under it goes nowhere.
    driver.tap(driver.tile("政务服务指南"))
    yield 1.0
    results["screen_after_tap_on_notice"] = app.current_screen
    yield from driver.until(lambda: _command_status(terminal_id, out)["status"] == "done", 60)

    _command(terminal_id, "in_service")
    yield from driver.until(lambda: app.in_service, 60)
    yield 0.5
    results["notice_after_in_service"] = app.notice_title
    results["stored_after_in_service"] = app.store.get_state("out_of_service_message")
    yield from driver.until(lambda: _admin("GET", f"/api/v1/admin/terminals/{terminal_id}")["in_service"] is True, 60)
    terminal = _admin("GET", f"/api/v1/admin/terminals/{terminal_id}")
    results["server_view"] = {key: terminal[key] for key in ("online", "current_screen", "config_version_applied", "config_version_current", "in_service", "peripherals")}
    yield from _update_waits_for_the_maintenance_window(driver, terminal_id)


def _update_waits_for_the_maintenance_window(driver, terminal_id: int):
    """A release rolled out while a visitor is in the guide: downloaded and staged, not switched to. The visitor
    leaves (the session wipe) and the kiosk then stays untouched for update_idle_minutes: it stops itself with
    EXIT_SWITCH (75), for the launcher to start the new release. The minutes are not waited for: the last touch
    is moved back by them."""
    from services.updates.launcher import read_state
    from tests.server.release_data import release_archive

    app, results = driver.app, driver.results
    updater, root = app.service_manager.updater, Path(os.environ["KIOSK_INSTALL_ROOT"])
    driver.tap(driver.tile("政务服务指南"))
    yield from driver.settled()
    version = os.environ["KIOSK_TEST_NEW_RELEASE"]
    _admin("POST", "/api/v1/admin/releases", data={"version": version, "notes": "GUI test"},
           files={"file": (f"lobby-kiosk-{version}.tar.gz", release_archive(version), "application/gzip")})
    _admin("POST", f"/api/v1/admin/releases/{version}/rollouts",
           json={"scope": "terminal", "target": str(terminal_id), "canary_minutes": 0})
    # The check that staged it found the window closed (the visitor); a few more looks at it, by the UI thread.
    yield from driver.until(lambda: updater.ready == version, 60)
    yield 2
    results["staged_mid_visit"] = updater.ready
    results["screen_mid_visit"] = app.current_screen
    results["current_mid_visit"] = read_state(root)["current"]
    app.reset_session()  # what the idle timeout does when the visitor has gone
    app.last_touch -= app.kiosk_settings.maintenance.update_idle_minutes * 60
    results["waiting_for_exit"] = True
    yield from driver.until(lambda: False, 30)  # ends the scenario only if the kiosk did not stop by itself
    results["waiting_for_exit"] = False


def pairing_code_approved_from_the_server(driver):
    """An unenrolled kiosk shows its code; the administrator approves it; the kiosk starts by itself."""
    app, results = driver.app, driver.results
    yield from driver.until(lambda: bool(app.notice_code), 60)
    yield 0.5
    results["state"] = _state(app)
    results["notice_title"] = app.notice_title
    results["notice_code"] = app.notice_code
    results["visible"] = [t for t in driver.texts() if t == app.notice_code]
    code = app.notice_code.replace(" ", "")
    results["pending_codes"] = [p["code"] for p in _admin("GET", "/api/v1/admin/pairings")]
    _admin("POST", f"/api/v1/admin/pairings/{code}/approve", json={"name": "T2 大堂 2 号机", "location": "T2 一层大堂"})
    yield from driver.until(lambda: _state(app) == "online", 60)
    yield from driver.until(lambda: app.kiosk_settings.terminal.name == "T2 大堂 2 号机", 60)
    yield 0.5
    results["state_after"] = _state(app)
    results["notice_after"] = app.notice_title
    results["terminal_name"] = app.kiosk_settings.terminal.name
    results["identity_file"] = (app.data_dir / "terminal.json").exists()
