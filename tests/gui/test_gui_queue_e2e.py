"""Queue numbers end to end: a number taken at the kiosk (the real window under Xvfb), called from the window
page in a real browser, shown on the lobby display page, spoken by the kiosk (WAV files of real speech),
served, rated at the kiosk by scanning the slip through the simulated scanner, and counted in the statistics."""

from __future__ import annotations

import csv
import io
import threading
import time
import wave

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.gui.conftest import SETTINGS, configure_defaults, enrol_kiosk
from tests.server.console.browser import chromium
from tests.server.console.console_client import ConsoleClient
from tests.server.queue_calls import SOCIAL_SECURITY_CARD, open_all_day, window_of

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture
def server(gui_server):
    configure_defaults(gui_server, {"checkin": {"scanner": {"kind": "simulator"}}})
    return gui_server


def _simulator_settings() -> str:
    return SETTINGS.read_text(encoding="utf-8").replace('kind = "auto"', 'kind = "simulator"')


def _staff_in_browser(server, control, window_id: int, seen: dict, done: threading.Event) -> None:
    """Carry out the scenario's requests in Chromium: ``call`` (call next, then watch the display page) and
    ``serve`` (done)."""
    with chromium(480, 900) as browser:
        wait = WebDriverWait(browser, 60, poll_frequency=0.2)
        browser.get(f"{server.url}/console/login")
        browser.find_element(By.ID, "username").send_keys("admin")
        browser.find_element(By.ID, "password").send_keys(server.admin_password)
        browser.find_element(By.ID, "sign-in").click()
        wait.until(lambda b: "/console/login" not in b.current_url)
        page = f"{server.url}/console/queue/windows/{window_id}"
        while not done.is_set():
            if (control / "call").exists() and not (control / "call-done").exists():
                number = (control / "number").read_text(encoding="utf-8")
                browser.get(page)
                seen["waiting_listed"] = number in browser.find_element(By.ID, "queue-waiting").text
                browser.find_element(By.ID, "queue-call-next").click()
                wait.until(lambda b, number=number: b.find_element(By.ID, "current-number").text == number)
                browser.get(f"{server.url}/q/display?lang=zh_CN")
                wait.until(lambda b, number=number: b.find_element(By.ID, "now-number").text == number)
                seen["display_window"] = browser.find_element(By.ID, "now-window").text
                (control / "call-done").touch()
            if (control / "serve").exists() and not (control / "serve-done").exists():
                browser.get(page)
                browser.find_element(By.ID, "queue-done").click()
                wait.until(lambda b: b.find_elements(By.ID, "queue-call-next"))
                (control / "serve-done").touch()
            time.sleep(0.1)


def _seconds(path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_a_number_taken_at_the_kiosk_is_called_shown_spoken_served_rated_and_counted(
        run_scenario, server, tmp_path):
    window = window_of(open_all_day(server), SOCIAL_SECURITY_CARD)
    enrol_kiosk(server, "GUI 取号机", tmp_path / "data")
    control, speech = tmp_path / "control", tmp_path / "speech"
    control.mkdir()
    speech.mkdir()
    player = tmp_path / "keep-wav"
    player.write_text(f'#!/bin/sh\ncp "$2" "{speech}/$(date +%s%N).wav"\n')
    player.chmod(0o755)
    seen: dict = {}
    done = threading.Event()
    staff = threading.Thread(target=_staff_in_browser, args=(server, control, window["id"], seen, done), daemon=True)
    staff.start()
    try:
        kiosk = run_scenario("queue_number_taken_called_served_and_rated", settings_text=_simulator_settings(),
                             env={"KIOSK_TEST_CONTROL_DIR": str(control), "KIOSK_TEST_SPEECH_PLAYER": str(player)},
                             timeout=420)
    finally:
        done.set()
        staff.join(60)

    number = f"{window['letter']}001"
    assert any("3号窗口" in title for title in kiosk["windows_shown"])
    assert kiosk["after_service"] == "queue_phone" and kiosk["phone_shown"] == "13800138000"
    assert kiosk["number"] == number and kiosk["people_ahead"] == 0 and kiosk["qr_shown"]
    assert number in kiosk["ticket_texts"]
    assert seen["waiting_listed"] and seen["display_window"] == "3 号窗口"
    assert kiosk["call_banner"] == f"请 {number} 号到 3 号窗口" and kiosk["call_banner_visible"]
    assert kiosk["after_done"] == "home" and kiosk["after_scan"] == "queue_rate"
    assert "感谢您的评价" in kiosk["rated_texts"]
    # Spoken: the number, the call, the rating prompt and the thanks, each a WAV of real length.
    spoken = sorted(speech.glob("*.wav"))
    assert len(spoken) >= 3 and all(_seconds(path) > 1.0 for path in spoken)

    (item,) = server.admin("GET", "/admin/feedback?category=service_rating").json()
    assert item["rating"] == 4 and number in item["text"] and item["terminal_name"] == "GUI 取号机"
    console = ConsoleClient(server)
    console.sign_in()
    rows = list(csv.reader(io.StringIO(console.page("/queue/stats.csv").content.decode("utf-8-sig"))))
    assert next(row for row in rows if row[0] == "all")[2:5] == ["1", "1", "0"]
    assert next(row for row in rows if row[0] == "service" and row[1] == SOCIAL_SECURITY_CARD)[2] == "1"
