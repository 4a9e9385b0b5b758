"""Space booking end to end: the real kiosk books a slot on the real server through its screens, shows the pass
as a QR, and checks it in when the pass is written into its simulated scanner; a forged pass and an event
ticket's payload behind a pass prefix get their own clear verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.conftest import configure_defaults, enrol_kiosk

pytestmark = pytest.mark.gui

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.toml"
# Open around the clock with a long early check-in, so the first free slot can be checked in whenever this runs.
SPACE = {"name_zh": "商务洽谈室", "name_en": "Business meeting room", "place": "T3 1107", "capacity": 8, "places": 1,
         "opens": "00:00", "closes": "23:30", "weekdays": "0123456", "slot_minutes": 30, "max_minutes_per_day": 120,
         "days_ahead": 1, "early_minutes": 240}


def test_a_visitor_books_on_the_kiosk_and_checks_in_with_the_pass(run_scenario, gui_server, tmp_path):
    server = gui_server
    configure_defaults(server, {"checkin": {"scanner": {"kind": "simulator"}}})
    assert server.admin("POST", "/admin/booking/spaces", json=SPACE).status_code == 201
    enrol_kiosk(server, "GUI 预约机", tmp_path / "data")
    seen = run_scenario("booking_book_and_check_in",
                        settings_text=SETTINGS.read_text(encoding="utf-8").replace('kind = "auto"', 'kind = "simulator"'))
    print(seen)  # shown when an assertion fails
    assert "商务洽谈室" in seen["grid_texts"] and "空闲" in seen["grid_texts"] and seen["free_cells"] > 0
    assert seen["form_screen"] == "booking_form"
    assert seen["empty_error"] == "请填写姓名。"
    assert seen["short_phone_error"] == "请填写 11 位大陆手机号。"
    assert seen["typed"] == ["Li Lei", "13800138000"]
    assert seen["qr_shown"] and seen["pass_text"].startswith("LB:")
    assert "138****8000" in " ".join(seen["pass_texts"]) and "13800138000" not in " ".join(seen["pass_texts"])
    welcome, again, forged, not_a_pass = seen["scans"]
    assert (welcome["kind"], welcome["lines"][0]) == ("pass_welcome", "L****")
    assert welcome["headline_visible"]
    assert again["kind"] == "pass_already"
    assert forged["kind"] == "pass_forged" and forged["headline_visible"]
    assert not_a_pass["kind"] == "pass_unreadable"
