"""The real kiosk window under Xvfb, driven with touches (UnitTestTouch) and one real X click (xdotool)."""

import json
import statistics
from pathlib import Path

import pytest

from tests.gui.watchdog_supervisor import NotifySupervisor

pytestmark = pytest.mark.gui

SAMPLE = json.loads((Path(__file__).resolve().parents[2] / "config/catalogue/sample.json").read_text(encoding="utf-8"))
NAMES = {service["code"]: service["name"]["zh"] for service in SAMPLE["services"]}


def test_find_a_service_by_initials_take_the_qr_then_walk_away_and_idle_wipes_everything(run_scenario):
    seen = run_scenario("find_service_then_walk_away", idle_timeout=15)
    assert seen["start_screen"] == "home"
    assert seen["after_tile"] == "guide"
    assert seen["after_search_field"] == "search"
    assert seen["query"] == "sbk"
    assert "社会保障卡" in seen["result_titles"][0]
    assert seen["after_row"] == "detail"
    assert NAMES[seen["detail_code"]] == seen["result_titles"][0]
    # The QR on screen encodes the service's online guide, pixel for pixel, and is large enough to scan.
    assert seen["qr_url"] == seen["online_url"]
    assert seen["qr_pixels"] is True
    assert min(seen["qr_widget_size"]) >= 300
    assert any("申请材料" in text for text in seen["guide_texts"])
    assert NAMES[seen["detail_code"]] in seen["printed"]
    # The printer's notice is on screen, whole and centred, whatever its length.
    toast = seen["toast"]
    assert toast["shown"] and toast["text"], toast
    assert toast["left"] >= 0 and toast["right"] <= toast["screen_width"]
    assert abs(toast["centre"] - toast["screen_width"] / 2) <= 1
    # Idle: a visible warning first; one touch carries on where the visitor was.
    assert seen["warning_shown"] is True
    assert seen["warning_texts"], "the warning says what is happening"
    assert seen["screen_during_warning"] == "detail"
    assert seen["warning_after_touch"] is False
    assert (seen["screen_after_touch"], seen["query_after_touch"]) == ("detail", "sbk")
    # Walking away from a half-written report: the warning again, then home with everything entered wiped.
    assert (seen["typed"], seen["screen_before_idle"]) == ("停水", "feedback_text")
    assert seen["second_warning_shown"] is True
    assert seen["after_idle_screen"] == "home"
    assert (seen["after_idle_query"], seen["after_idle_rows"], seen["after_idle_detail"]) == ("", 0, None)
    assert seen["after_idle_warning_open"] is False
    assert seen["draft_after_idle"]["category"] == "" and seen["draft_after_idle"]["text"] == ""
    assert seen["text_after_idle"] == "" and seen["composition_after_idle"] == ""
    assert seen["text_for_next_visitor"] == ""
    assert seen["queued"] == 0


def test_language_toggle_switches_visible_text_live(run_scenario):
    seen = run_scenario("language_toggle", size="1920x1080")
    assert "政务服务指南" in seen["zh_texts"] and "Service guide" not in seen["zh_texts"]
    assert "Service guide" in seen["en_texts"] and "政务服务指南" not in seen["en_texts"]
    assert "By department" in seen["guide_en_texts"]
    assert "按部门" in seen["guide_zh_texts"] and "By department" not in seen["guide_zh_texts"]
    assert seen["elder_mode"] is True
    assert seen["body_size_elder"] > seen["body_size_normal"]


def test_long_press_in_the_corner_and_pin_open_maintenance_and_quit(run_scenario):
    seen = run_scenario("maintenance_long_press_and_quit")
    assert seen["after_long_press"] == "maintenance"
    assert seen["unlocked_after_wrong"] is False
    assert seen["wrong_pin_message"]
    assert seen["unlocked"] is True
    assert seen["report"]["终端名称"] == "T1 大堂 1 号机"
    assert "正常" in seen["report"]["本地数据库"]


def test_window_refuses_close_escape_and_settings_panel(run_scenario):
    seen = run_scenario("lockdown_refuses_to_leave")
    assert seen["close_refused"] is True
    assert seen["running_after_escape"] is True
    assert seen["settings_panel"] is False
    assert seen["show_cursor"] == "0"
    assert "disable_multitouch" in seen["mouse"]


def test_a_real_x_click_reaches_the_kiosk(run_scenario):
    seen = run_scenario("real_x_click_opens_guide")
    assert seen["after_click"] == "guide"


@pytest.mark.slow  # still the longest GUI test: started first
@pytest.mark.timeout(600)
def test_memory_stays_flat_while_cycling_screens_and_a_hung_ui_starves_the_watchdog(run_scenario, tmp_path):
    """The kiosk runs for months: after warm-up, cycling every kind of screen must not keep growing memory.
    Under systemd it says READY=1 and feeds the watchdog from the UI thread, so a hung UI gets it restarted."""
    with NotifySupervisor(tmp_path / "notify.sock") as supervisor:
        # A generous limit: on a shared, busy machine the walk's wall time says nothing about memory.
        seen = run_scenario("memory_stays_flat_while_cycling_screens", timeout=600,
                            env={"NOTIFY_SOCKET": str(supervisor.path), "WATCHDOG_USEC": "1000000"})
    rss = seen["rss"]
    # Caches (glyphs, textures, the allocator's arenas) fill during the first rounds (one per language); a leak
    # shows as the later rounds settling above the first half's peak. The median, not the peak, of the later
    # rounds: one round's swing of the allocator (seen: +7 MB in a single round) is not a leak.
    half = len(rss) // 2
    growth_mb = (statistics.median(rss[half:]) - max(rss[:half])) / 2**20
    assert growth_mb < 4, (f"resident memory still grows after warm-up: +{growth_mb:.1f} MB; per round: {rss}"
                           f" (seconds a round: {seen['round_seconds']})")

    assert any(message.startswith("READY=1") for _at, message in supervisor.messages)
    pings = supervisor.pings()
    hang_started, hang_ended = seen["hang_started"], seen["hang_ended"]
    assert [at for at in pings if hang_started + 0.1 < at < hang_ended - 0.1] == [], "fed while the UI hung"
    assert any(at < hang_started for at in pings) and any(at > hang_ended for at in pings), "fed before and after"
    # With WatchdogSec=3, systemd would have restarted the kiosk during the 4 s hang.
    assert supervisor.would_restart_between(hang_started, hang_ended, 3.0)


def test_sigterm_stops_the_kiosk_cleanly(display, tmp_path):
    """A service manager stops the kiosk with SIGTERM, which SDL would otherwise turn into a refused close."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = dict(os.environ, DISPLAY=display, KIOSK_DATA_DIR=str(tmp_path))
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "run", "--windowed", "1080x1920"],
        env=env, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        shown = False
        for line in kiosk.stderr:
            shown = "first frame of home screen shown" in line
            if shown or time.monotonic() > deadline:
                break
        assert shown, "the kiosk never showed its home screen"
        assert kiosk.poll() is None
        kiosk.send_signal(signal.SIGTERM)
        assert kiosk.wait(timeout=30) == 0
    finally:
        if kiosk.poll() is None:
            kiosk.kill()


def test_search_waits_for_the_index_of_a_new_catalogue(run_scenario):
    seen = run_scenario("search_waits_for_the_index_of_a_new_catalogue")
    # Only home is built before the first frame; the others follow without a visitor asking.
    assert seen["screens_built"] == seen["screen_names"] and "search" in seen["screens_built"]
    assert seen["before"][0] == "RS-001"
    # While the new catalogue's index is built: no rows from the old one, and no "nothing found".
    assert seen["preparing_ready"] is False
    assert seen["preparing_rows"] == 0
    assert seen["preparing_no_results_shown"] is False
    # Then the query is answered from the new catalogue.
    assert seen["after"] and "RS-001" not in seen["after"]
    assert "RS-002" in seen["after"]
    assert seen["no_results_shown_after"] is False


def test_search_answers_a_question_or_says_not_here_with_help(run_scenario):
    seen = run_scenario("search_answers_a_question_or_says_not_here")
    assert seen["question_rows"][:1] == ["GJJ-005"]  # 住房公积金提取（离职销户）
    assert seen["question_not_here_shown"] is False
    # Nothing the centre offers: no service shown as if it were an answer, but a plain "not here" and help.
    assert seen["absent_rows"] == []
    texts = seen["absent_texts"]
    assert any("没有与“驾驶证到期了怎么换”相关的服务" in t for t in texts)
    assert any(seen["help_phone"] in t for t in texts if "服务热线" not in t)  # on the panel, not only the footer
    assert any(seen["help_desk"] in t for t in texts)
    assert seen["after_browse"] == "guide"
    assert seen["guide_tab"] == "life_events"
