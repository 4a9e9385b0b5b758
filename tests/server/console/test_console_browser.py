"""The console in real headless Chromium against the live server, with a real kiosk sync engine: a setting
changed in the form reaches the kiosk, a service edited in the browser's form (a material row added) is served
to terminals. Also saves screenshots of the pages to docs/screenshots/."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from common.paths import SAMPLE_CATALOGUE_FILE
from services.storage.store import LocalStore
from services.sync.engine import SettingsChanged, SyncEngine
from services.sync.enrolment import redeem_code
from services.sync.identity import save_identity
from tests.live_server import ROOT, LiveServer
from tests.server.calls import enrolled_terminal
from tests.server.console.browser import chromium, click_centred
from tests.sync.conftest import APP_VERSION, DEADLINE, Watcher

SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


@pytest.fixture
def kiosk(live_server: LiveServer, tmp_path: Path):
    """A real sync engine with its own store, enrolled by a one-time code; (identity, watcher)."""
    data_dir = tmp_path / "kiosk"
    data_dir.mkdir()
    identity = redeem_code(live_server.url, live_server.enrol("Lobby east 大堂东", "T1 lobby", "lobby"), APP_VERSION)
    save_identity(data_dir, identity)
    store = LocalStore.open(data_dir / "store.sqlite", SAMPLE_CATALOGUE_FILE)
    engine = SyncEngine(store=store, data_dir=data_dir, server_url=None, app_version=APP_VERSION,
                        heartbeat_info=lambda: {"current_screen": "home", "peripherals": {"printer": "ok"},
                                                "in_service": True}, rng=random.Random(1))
    engine.start()
    try:
        yield identity, Watcher(engine)
    finally:
        engine.stop(timeout=30)
        store.close()


def _sign_in(browser, server: LiveServer) -> None:
    browser.get(f"{server.url}/console/terminals")
    assert browser.current_url.endswith("/console/login")
    browser.find_element(By.ID, "username").send_keys("admin")
    browser.find_element(By.ID, "password").send_keys(server.admin_password)
    browser.find_element(By.ID, "sign-in").click()
    _wait(browser, lambda b: b.current_url.endswith("/console/terminals"))


def _wait(browser, condition, deadline: float = DEADLINE):
    # A page that reloads between finding an element and reading it: try again, as a person would look again.
    return WebDriverWait(browser, deadline, poll_frequency=0.2,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def test_a_setting_changed_in_the_browser_reaches_the_kiosk(live_server, browser, kiosk):
    identity, watcher = kiosk
    watcher.wait(SettingsChanged, "the first configuration")
    _sign_in(browser, live_server)
    browser.get(f"{live_server.url}/console/config/terminal/{identity.terminal_id}")
    set_here = browser.find_element(By.ID, "set:display.theme")
    assert not set_here.is_selected()
    Select(browser.find_element(By.ID, "value:display.theme")).select_by_value("dark")
    assert set_here.is_selected()  # choosing a value ticks "set here" (static/settings_form.js)
    browser.find_element(By.ID, "preview").click()
    changes = _wait(browser, lambda b: b.find_element(By.ID, "changes"))
    assert "Colour theme" in changes.text and "Set here to Dark" in changes.text
    browser.find_element(By.ID, "save").click()
    _wait(browser, lambda b: "saved=" in b.current_url)
    changed = watcher.wait(SettingsChanged, "the theme set in the browser", lambda e: e.settings.display.theme == "dark")
    assert changed.settings.terminal.name == "Lobby east 大堂东"


def _type(browser, element_id: str, text: str) -> None:
    field = browser.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def test_a_service_edited_in_the_browser_is_served_to_terminals(live_server, browser):
    terminal = enrolled_terminal(live_server)
    _sign_in(browser, live_server)
    browser.get(f"{live_server.url}/console/catalogue/services/RS-001")
    _type(browser, "f-hours.zh", "周六 9:00-12:00 也办理")
    _type(browser, "f-hours.en", "Also Saturdays 9:00-12:00")
    blank_rows = len(browser.find_elements(By.CSS_SELECTOR, "#materials tbody tr"))
    browser.find_element(By.ID, "add-material").click()  # static/service_form.js adds a numbered row
    rows = browser.find_elements(By.CSS_SELECTOR, "#materials tbody tr")
    assert len(rows) == blank_rows + 1
    index = rows[-1].get_attribute("data-index")
    _type(browser, f"f-materials.{index}.name.zh", "居住证")
    _type(browser, f"f-materials.{index}.name.en", "Residence permit")
    _type(browser, f"f-materials.{index}.copies", "1")
    browser.find_element(By.ID, "publish").click()
    _wait(browser, lambda b: "published=" in b.current_url)
    served = terminal.call("GET", "/terminal/catalogue").json()
    service = next(s for s in served["services"] if s["code"] == "RS-001")
    assert service["hours"]["en"] == "Also Saturdays 9:00-12:00"
    assert service["materials"][-1] == {"name": {"zh": "居住证", "en": "Residence permit"}, "originals": 0,
                                        "copies": 1, "required": True}


def test_screenshots_of_the_service_form_in_both_languages(live_server, browser):
    _sign_in(browser, live_server)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for lang, word in (("en", "Materials"), ("zh_CN", "申请材料")):
        browser.get(f"{live_server.url}/console/language/{lang}")
        browser.get(f"{live_server.url}/console/catalogue/services/RS-001")
        _type(browser, "f-phone", "call us")  # a refused value shows its error next to the field
        browser.execute_script("document.getElementById('service-form').noValidate = true;")  # let the server judge
        browser.find_element(By.ID, "publish").click()
        error = _wait(browser, lambda b: b.find_element(By.ID, "error-phone"))
        assert word in browser.find_element(By.ID, "service-form").text
        # The whole page: the window's height is the page's plus the browser's own frame.
        frame = browser.execute_script("return window.outerHeight - window.innerHeight")
        browser.set_window_size(1440, browser.execute_script("return document.documentElement.scrollHeight") + frame)
        browser.save_screenshot(str(SCREENSHOTS / f"console-service-{lang}.png"))
        browser.set_window_size(1440, 1000)
        assert error.is_displayed()


def test_screenshots_of_the_terminals_page_and_the_config_form(live_server, browser):
    online = enrolled_terminal(live_server, name="T1 大堂 1 号机", location="T1 一层大堂东侧", group="lobby")
    assert online.heartbeat(current_screen="guide", outbox_depth=3, config_version=0,
                            peripherals={"printer": "ok", "scanner": "ok"}).status_code == 200
    hostile = enrolled_terminal(live_server, name="<b>T2</b> 南门", location="T2 南门入口", group="lobby")
    assert hostile.heartbeat(current_screen="<script>alert(1)</script>", config_version=0,
                             peripherals={"printer": "error"}).status_code == 200
    enrolled_terminal(live_server, name="T3 电梯厅", location="T3 二层电梯厅", group="upstairs")
    live_server.admin("POST", f"/admin/terminals/{hostile.id}/revoke")
    _sign_in(browser, live_server)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.find_element(By.ID, "terminals").text
    assert "<b>T2</b> 南门" in page and "<script>alert(1)</script>" in page  # shown as text, not markup
    assert browser.execute_script("return document.querySelectorAll('#terminals b, #terminals script').length") == 0
    browser.save_screenshot(str(SCREENSHOTS / "console-terminals.png"))
    browser.get(f"{live_server.url}/console/terminals/{online.id}")
    browser.save_screenshot(str(SCREENSHOTS / "console-terminal-detail.png"))
    browser.get(f"{live_server.url}/console/language/zh_CN")  # no Referer: back to the terminal list
    _wait(browser, lambda b: "终端" in b.find_element(By.TAG_NAME, "nav").text)
    browser.save_screenshot(str(SCREENSHOTS / "console-terminals-zh_CN.png"))
    for lang, refused in (("zh_CN", "不能少于 15 秒"), ("en", "At least 15 seconds.")):
        browser.get(f"{live_server.url}/console/language/{lang}")
        browser.get(f"{live_server.url}/console/config/terminal/{online.id}")
        click_centred(browser, "set:idle.timeout_seconds")
        field = browser.find_element(By.ID, "value:idle.timeout_seconds")
        field.clear()
        field.send_keys("5")
        Select(browser.find_element(By.ID, "unit:idle.timeout_seconds")).select_by_value("1")
        browser.execute_script("document.getElementById('settings-form').noValidate = true;")  # let the server judge
        browser.find_element(By.ID, "preview").click()
        error = _wait(browser, lambda b: b.find_element(By.ID, "error-idle.timeout_seconds"))
        assert refused in error.text
        browser.save_screenshot(str(SCREENSHOTS / f"console-config-{lang}.png"))  # the summary has the focus
        browser.execute_script("document.getElementById('row-feedback.categories').scrollIntoView({block: 'start'});")
        browser.save_screenshot(str(SCREENSHOTS / f"console-config-rows-{lang}.png"))
    assert requests.get(f"{live_server.url}/console/static/console.css", timeout=30).status_code == 200


def test_feedback_categories_reordered_and_added_in_the_browser_reach_the_terminal(live_server, browser):
    terminal = enrolled_terminal(live_server)
    _sign_in(browser, live_server)
    browser.get(f"{live_server.url}/console/config/defaults")

    def rows():
        return browser.find_elements(By.CSS_SELECTOR, "#rows-feedback-categories tbody tr")

    blank = len(rows())
    click_centred(browser, "add:feedback.categories")  # static/row_editor.js adds a numbered row
    assert len(rows()) == blank + 1 and browser.find_element(By.ID, "set:feedback.categories").is_selected()
    added = rows()[-1]  # the server's blank row stays empty and is left out
    assert added.find_element(By.CSS_SELECTOR, ".remove-row").is_displayed()  # shown by the script
    added.find_element(By.CSS_SELECTOR, "input[name$='.key']").send_keys("volunteer")
    added.find_element(By.CSS_SELECTOR, "input[name$='.title.zh']").send_keys("志愿服务")
    added.find_element(By.CSS_SELECTOR, "input[name$='.title.en']").send_keys("Volunteering")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", rows()[0])
    rows()[0].find_element(By.CSS_SELECTOR, ".move-down").click()  # repair below order
    browser.find_element(By.ID, "preview").click()
    _wait(browser, lambda b: b.find_element(By.ID, "changes"))
    browser.find_element(By.ID, "save").click()
    _wait(browser, lambda b: "saved=" in b.current_url)
    categories = terminal.call("GET", "/terminal/config").json()["settings"]["feedback"]["categories"]
    assert [c["key"] for c in categories] == ["order", "repair", "service_rating", "event_suggestion", "micro_wish",
                                              "proposal", "other", "volunteer"]
