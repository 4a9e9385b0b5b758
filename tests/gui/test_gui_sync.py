"""The real kiosk window with the real central server on loopback: enrolment by code and by pairing,
configuration and remote commands arriving live, and the closed screen outside opening hours."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk import __version__
from services.updates.launcher import EXIT_SWITCH, read_state
from tests.gui.conftest import enrol_kiosk
from tests.server.release_data import install_first_release

pytestmark = pytest.mark.gui

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.toml"


@pytest.fixture
def server(gui_server):
    return gui_server


def _server_env(server) -> dict:
    return {"KIOSK_TEST_SERVER_URL": server.url, "KIOSK_TEST_ADMIN_TOKEN": server.admin_token}


def test_an_enrolled_kiosk_applies_config_and_commands_live_and_updates_in_the_maintenance_window(
        run_scenario, server, tmp_path):
    enrol_kiosk(server, "GUI 测试机", tmp_path / "data")
    # Installed as install.sh leaves it, running under the release launcher (which the test stands in for).
    root = tmp_path / "opt"
    install_first_release(root, __version__, server.admin("GET", "/admin/releases/public-key").json()["public_key"])
    new_release = f"{__version__}.1"
    env = dict(_server_env(server), KIOSK_INSTALL_ROOT=str(root), KIOSK_RELEASE_VERSION=__version__,
               KIOSK_TEST_NEW_RELEASE=new_release)

    seen = run_scenario("config_and_commands_from_the_server", env=env)
    assert seen["state"] == "online"
    assert seen["footer"] == "在线"
    assert (seen["theme_before"], seen["theme_after"]) == ("light", "dark")
    assert seen["announcement"] == "今天下午 T1 大堂停水两小时"
    assert "feedback" not in seen["home_modules"] and "guide" in seen["home_modules"]
    assert sum(seen["background"][:3]) < 1.0, "the dark palette is on screen"
    assert "十分钟后系统维护" in seen["toast"]
    assert seen["message_status"] == "done"
    assert seen["screenshot_status"] == "done"
    assert seen["screenshot_format"] == "PNG"
    assert seen["screenshot_size"] == [1080, 1920]
    assert seen["notice_title"] == "暂停服务"
    assert seen["notice_visible_texts"], "the out-of-service notice is on screen"
    assert seen["screen_after_tap_on_notice"] == "home"
    assert "T3-1107" in seen["stored_while_out"]
    assert seen["notice_after_in_service"] == ""
    assert seen["stored_after_in_service"] is None
    view = seen["server_view"]
    assert view["online"] is True and view["in_service"] is True
    assert view["config_version_applied"] == view["config_version_current"]
    assert view["current_screen"] == "home"
    # The ticket scanner too: "auto" finds no serial port here and reads keyboard-wedge input; the voice says
    # whether there is a sound device (none under Xvfb on a CI machine, as a rule).
    peripherals = dict(view["peripherals"])
    assert peripherals.pop("speech") in ("absent", "ok")
    assert peripherals.pop("speaker") in ("absent", "ok")  # the sound device itself (services/devices/health.py)
    assert peripherals == {"printer": "ok", "scanner": "ok"}
    # The update: staged while the visitor was in the guide, and nothing switched under them ...
    assert (seen["staged_mid_visit"], seen["screen_mid_visit"]) == (new_release, "guide")
    assert seen["current_mid_visit"] == __version__
    # ... then, the visitor gone and the minutes passed, the kiosk stopped itself with EXIT_SWITCH for the launcher.
    assert seen["waiting_for_exit"] is True
    assert seen["exit_status"] == EXIT_SWITCH == 75
    state = read_state(root)
    assert (state["current"], state["previous"]) == (new_release, __version__)
    assert state["trial"]["version"] == new_release


def test_an_unenrolled_kiosk_pairs_by_its_code(run_scenario, server):
    seen = run_scenario("pairing_code_approved_from_the_server", env=dict(_server_env(server), KIOSK_SERVER_URL=server.url))
    assert seen["state"] == "pairing"
    assert seen["notice_title"] == "本终端尚未登记"
    assert seen["visible"], "the code is on screen"
    assert seen["notice_code"].replace(" ", "") in seen["pending_codes"]
    assert seen["state_after"] == "online"
    assert seen["notice_after"] == ""
    assert seen["terminal_name"] == "T2 大堂 2 号机"
    assert seen["identity_file"] is True


def test_outside_opening_hours_the_kiosk_shows_its_hours(run_scenario):
    closed_today = SETTINGS.read_text(encoding="utf-8") + f"\n[hours]\nenabled = true\nclosed_dates = [{date.today().isoformat()}]\n"
    seen = run_scenario("closed_outside_opening_hours", settings_text=closed_today)
    assert seen["notice_title"] == "暂未开放"
    assert seen["notice_visible"]
    assert "星期一  08:30-17:30" in seen["notice_detail"]
    assert seen["screen_after_tap"] == "home"
    assert seen["screen_after_long_press"] == "maintenance"
    assert seen["notice_opacity_in_maintenance"] == 0
