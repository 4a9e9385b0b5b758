"""Usage end to end through the real kiosk window and a real server on loopback (tests/gui/usage_e2e_scenarios.py):
a visit synced shows on the Usage page in Chromium with their counts; the phone number typed as a query never
reaches the server; a query from one visit is not among the searches that found nothing; adding it as an alias
makes the kiosk's next search find the service."""

from __future__ import annotations

import json
import threading
import time

import pytest
from selenium.webdriver.common.by import By

from tests.gui.conftest import configure_defaults, enrol_kiosk
from tests.server.console.browser import chromium
from tests.server.console.test_console_browser import _sign_in, _wait

pytestmark = [pytest.mark.gui, pytest.mark.slow]

ALIAS_OF = "RS-001"


@pytest.fixture
def kiosk_env(gui_server, tmp_path):
    """The kiosk enrolled, with the shortest idle timeout; a control directory through which the scenario asks for
    the alias (the console's action, taken here through the admin API) once its visits are synced."""
    configure_defaults(gui_server, {"idle": {"timeout_seconds": 15, "warning_seconds": 20}})
    enrol_kiosk(gui_server, "GUI 统计机", tmp_path / "data")
    control = tmp_path / "control"
    control.mkdir()
    done = threading.Event()
    seen: dict = {}

    def serve():
        while not done.is_set():
            if (control / "alias").exists() and not (control / "alias-done").exists():
                seen["gaps_before_alias"] = gui_server.admin("GET", "/admin/usage/search-gaps").json()
                gui_server.admin("POST", "/admin/usage/search-gaps/alias",
                                 json={"query": "pets", "service_code": ALIAS_OF}).raise_for_status()
                (control / "alias-done").touch()
            time.sleep(0.1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield {"KIOSK_TEST_CONTROL_DIR": str(control)}, seen
    done.set()
    thread.join(10)


def test_visits_through_the_kiosk_reach_the_usage_page_and_an_alias_reaches_the_kiosk(run_scenario, gui_server,
                                                                                     kiosk_env):
    env, seen_by_server = kiosk_env
    seen = run_scenario("usage_visits_synced_then_an_alias_found", env=env, idle_timeout=15, timeout=400)
    assert seen["idle"] == [15, 20]
    assert (seen["missed_rows"], seen["phone_rows"]) == (0, 0)
    assert seen["active_before_idle"] and seen["warning_shown"] and seen["visit_ended"]
    assert seen["outbox_after"] == 0

    records = gui_server.admin("GET", "/admin/records", params={"kind": "usage_visit"}).json()
    assert len(records) == 1, "one visit, one record"
    assert "13800138000" not in json.dumps(records, ensure_ascii=False), "the phone number never left the kiosk"
    visit = records[0]["payload"]
    assert (visit["ended"], visit["modules"], visit["language"]) == ("finished", ["guide"], "zh_CN")
    assert [(s["query"], s["results"], s["opened"]) for s in visit["searches"]] == [
        ("pets", 0, None), ("sbk", visit["searches"][1]["results"], seen["opened"])]
    assert [(v["code"], v["via"], v["printed"]) for v in visit["views"]] == [(seen["opened"], "search", True)]

    # One visit typed "pets": never among the searches that found nothing.
    assert seen_by_server["gaps_before_alias"] == []
    # The alias reached the kiosk with the next catalogue, and its search finds the service.
    assert seen["catalogue_has_alias"] and seen["after_alias_rows"][:1] == [ALIAS_OF]

    with chromium() as browser:
        _sign_in(browser, gui_server)
        browser.get(f"{gui_server.url}/console/usage")
        _wait(browser, lambda b: b.find_elements(By.ID, "fact-visits"))
        facts = {name: browser.find_element(By.ID, f"fact-{name}").text
                 for name in ("visits", "views", "searches", "empty", "takeaway")}
        assert facts == {"visits": "1", "views": "1", "searches": "2", "empty": "1", "takeaway": "100 %"}
