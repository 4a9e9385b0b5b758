"""Accessibility as a test: axe-core (bundled by axe-core-python, injected into real headless Chromium; nothing is
downloaded) on every console page and every public phone page, in both languages, with and without errors
shown; any WCAG 2.1 A or AA violation fails. One server, one browser, the pages visited one after another.
The English pass runs at 320 CSS px and checks that no page scrolls sideways (reflow, WCAG 1.4.10). Then what
axe cannot see, by hand: the skip link, unique titles, the error summary taking the focus, the live terminal list
keeping the keyboard focus."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

import pytest
import requests
from axe_core_python.base import AXE_SCRIPT
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from common import rotating_code
from server.backups.copies import take_backup
from server.core.config import ServerSettings
from tests.server.calls import enrolled_terminal
from tests.server.checkin_calls import attendee, published_event, scan_online, ticket_text
from tests.server.console.browser import chromium, click_centred
from tests.server.console.test_console_browser import _sign_in, _wait
from tests.server.feedback_data import feedback_record, item_of, send
from tests.server.usage_data import search, view, visit_record

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              "resultTypes": ["violations"]}  # passes are counted, not listed: quicker
LANGUAGES = ("zh_CN", "en")
# Not "mobile": a mobile viewport zooms out to fit wide content, which would hide the overflow this looks for.
_PHONE_320 = {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": False}


def _with_axe(browser) -> None:
    """axe-core in every page the browser loads from now on (sent once, not with each page)."""
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": AXE_SCRIPT})


def _violations(browser, what: str) -> list[str]:
    results = browser.execute_async_script(
        "var done = arguments[arguments.length - 1]; axe.run(document, arguments[0]).then(done, function (e) { done({violations: [{id: 'axe-error', impact: 'n/a', help: String(e), nodes: []}]}); });",
        WCAG_21_AA)
    return [f"{what}: {v['id']} ({v['impact']}) {v['help']} — "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5]) for v in results["violations"]]


def _public_pages(server) -> list[str]:
    """Every phone page (registration, ticket, phone check-in, feedback status; refusals too), by path."""
    terminal = enrolled_terminal(server, name="T1 大堂 1 号机")
    event = published_event(server, title_zh="社保政策宣讲会", title_en="Social insurance briefing")
    bundle = terminal.call("GET", "/terminal/checkin").json()
    secret_text = next(e for e in bundle["events"] if e["id"] == event["id"])["phone_secret"]
    secret = base64.urlsafe_b64decode(secret_text + "=" * (-len(secret_text) % 4))
    code = rotating_code.current_code(secret, event["id"], datetime.now(UTC))
    visitor = requests.Session()
    form = visitor.get(f"{server.url}/e/{event['id']}", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    done = visitor.post(f"{server.url}/e/{event['id']}", allow_redirects=False, timeout=30, data={
        "csrf_token": token, "name": "王小明", "phone": "13900139000", "organisation": "", "consent": "yes"})
    send(terminal, sent := feedback_record("repair", text="12 楼茶水间停水了"))
    tracking, check = sent["payload"]["tracking_number"], sent["payload"]["check_code"]
    return [f"/e/{event['id']}", done.headers["location"], f"/m/{event['id']}?t={code}", f"/m/{event['id']}?t=stale",
            f"/s/{tracking}?c={check}&lang=zh", f"/s/{tracking}?c={check}&lang=en", "/s/NOPE?c=000000&lang=zh",
            f"/e/{event['id'] + 1000}"]


def _console_pages(server, backup_folder) -> list[str]:
    """Every console page a signed-in administrator reaches, with data on it, by path under /console."""
    take_backup(ServerSettings(database_url=server.database_url, kiosk_server_data_dir=server.data_dir), backup_folder)
    terminal = enrolled_terminal(server, name="T2 南门", location="T2 南门入口", group="lobby")
    assert terminal.heartbeat(current_screen="home", config_version=0, peripherals={"printer": "ok"}).status_code == 200
    event = published_event(server, title_zh="青年企业创业沙龙", title_en="Young founders' salon", capacity=40)
    registration = attendee(server, event["id"], name="李四", phone="13700137000", organisation="税务局")
    scan_online(terminal, ticket_text(server, event["id"], registration["id"]))
    send(terminal, sent := feedback_record("service_rating", text="窗口等候时间太长", rating=2))
    item = item_of(server, sent)
    now = datetime.now(UTC)
    send(terminal, *[visit_record(now, 40, views=(view("RS-001", printed=True),), searches=(search("宠物医院"),))
                     for _ in range(3)])  # a search that found nothing, shown on the searches page with its forms
    operator = server.admin("GET", "/admin/users").json()[0]["id"] if server.admin("GET", "/admin/users").ok else 1
    return ["/terminals", f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/revoke", "/terminals/99999",
            "/config", "/config/defaults", "/config/group/lobby", f"/config/terminal/{terminal.id}",
            "/catalogue", "/catalogue/services/RS-001", "/catalogue/services/new", "/catalogue/services/RS-001/delete",
            "/events", "/events/new", f"/events/{event['id']}", f"/events/{event['id']}/edit",
            f"/events/{event['id']}/live", f"/events/{event['id']}/checkins",
            f"/events/{event['id']}/attendees/{registration['id']}/revoke",
            "/feedback", f"/feedback/{item['id']}", "/feedback/stats", "/audit", "/users", f"/users/{operator}",
            f"/terminals/{terminal.id}/availability", "/alerts", "/backups",
            "/usage", "/usage/searches", "/usage/popularity"]


def _show_errors(browser, server, terminal_page: str, event_page: str) -> list[tuple[str, str]]:
    """Forms submitted with bad values, so that their errors are on the page: (what, the page's path)."""
    shown = []
    browser.get(f"{server.url}/console{terminal_page}")
    click_centred(browser, "set:idle.timeout_seconds")
    field = browser.find_element(By.ID, "value:idle.timeout_seconds")
    field.clear()
    field.send_keys("5")
    click_centred(browser, "set:maintenance.pin_hash")
    browser.find_element(By.ID, "value:maintenance.pin_hash").send_keys("12")
    browser.execute_script("document.getElementById('settings-form').noValidate = true;")  # let the server judge
    browser.find_element(By.ID, "preview").click()
    _wait(browser, lambda b: b.find_elements(By.ID, "error-summary"))
    shown.append(("configuration errors", browser.current_url))
    browser.get(f"{server.url}/console/catalogue/services/RS-001")
    browser.find_element(By.ID, "f-phone").send_keys(" call us")
    browser.execute_script("document.getElementById('service-form').noValidate = true;")
    browser.find_element(By.ID, "publish").click()
    _wait(browser, lambda b: b.find_elements(By.ID, "error-phone"))
    shown.append(("service form errors", browser.current_url))
    browser.get(f"{server.url}/console{event_page}/edit")
    browser.find_element(By.ID, "f-title_zh").clear()
    browser.find_element(By.ID, "save-event").click()  # the form is novalidate: the server's error shows
    _wait(browser, lambda b: b.find_elements(By.ID, "error-title_zh"))
    shown.append(("event form errors", browser.current_url))
    browser.get(f"{server.url}/console/users")
    browser.execute_script("document.getElementById('create-user').noValidate = true;")
    browser.find_element(By.CSS_SELECTOR, "#create-user button[type=submit]").click()
    _wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#create-user .field-error"))
    shown.append(("user form errors", browser.current_url))
    return shown


@pytest.mark.slow
def test_every_console_and_phone_page_passes_axe_in_both_languages(backup_folder, live_server):
    public = _public_pages(live_server)
    console = _console_pages(live_server, backup_folder)
    violations: list[str] = []
    with chromium() as browser:
        _with_axe(browser)
        for path in public:
            browser.get(f"{live_server.url}{path}")
            violations += _violations(browser, path)
        browser.get(f"{live_server.url}{public[0]}")
        browser.find_element(By.ID, "submit").click()  # nothing filled in: the registration form's errors
        _wait(browser, lambda b: b.find_elements(By.ID, "error-name"))
        violations += _violations(browser, "registration with errors")
        browser.get(f"{live_server.url}/console/login")
        browser.find_element(By.ID, "sign-in").click()  # empty: the login error shows
        violations += _violations(browser, "login with an error")
        _sign_in(browser, live_server)
        for lang in LANGUAGES:
            browser.get(f"{live_server.url}/console/language/{lang}")
            narrow = lang == "en"  # English at 320 CSS px: every page reflows without sideways scrolling (WCAG 1.4.10)
            if narrow:
                browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", _PHONE_320)
            titles: dict[str, str] = {}
            for path in console:
                browser.get(f"{live_server.url}/console{path}")
                violations += _violations(browser, f"{lang} {path}")
                if browser.title in titles:  # each page says which page it is (WCAG 2.4.2)
                    violations.append(f"{lang} {path}: the title of {titles[browser.title]}: {browser.title}")
                titles[browser.title] = path
                wide = browser.execute_script("return document.documentElement.scrollWidth")
                if narrow and wide > _PHONE_320["width"]:
                    violations.append(f"{lang} {path}: reflow: {wide} px wide at 320 px")
            browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            terminal_page = next(p for p in console if p.startswith("/config/terminal/"))
            event_page = next(p for p in console if p.startswith("/events/") and p.count("/") == 2 and p != "/events/new")
            for what, _ in _show_errors(browser, live_server, terminal_page, event_page):
                violations += _violations(browser, f"{lang} {what}")
    assert not violations, "\n".join(violations)


@pytest.mark.slow
def test_keyboard_focus_titles_and_the_live_list_by_hand(live_server):
    terminal = enrolled_terminal(live_server, name="T1 大堂 1 号机", group="lobby")
    with chromium() as browser:
        _sign_in(browser, live_server)
        # The first tab stop is the skip link, and it leads to the content.
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        skip = browser.switch_to.active_element
        assert skip.get_attribute("class") == "skip-link" and skip.get_attribute("href").endswith("#main")
        # Titles say which page: no two configuration pages share one.
        titles = set()
        for path in ("/config", "/config/defaults", "/config/group/lobby", f"/config/terminal/{terminal.id}"):
            browser.get(f"{live_server.url}/console{path}")
            titles.add(browser.title)
        assert len(titles) == 4, titles
        # A refused submit puts the focus on the error summary, whose links lead to the fields.
        click_centred(browser, "set:sync.batch_size")
        field = browser.find_element(By.ID, "value:sync.batch_size")
        field.clear()
        field.send_keys("lots")
        browser.execute_script("document.getElementById('settings-form').noValidate = true;")
        browser.find_element(By.ID, "preview").click()
        _wait(browser, lambda b: b.switch_to.active_element.get_attribute("id") == "error-summary")
        browser.find_element(By.CSS_SELECTOR, "#error-summary a").click()
        assert browser.switch_to.active_element.get_attribute("id") == "value:sync.batch_size"
        # Any other form: its refused fields are tied to their errors, and the alert takes the focus.
        browser.get(f"{live_server.url}/console/catalogue/services/RS-001")
        browser.find_element(By.ID, "f-phone").send_keys(" call us")
        browser.execute_script("document.getElementById('service-form').noValidate = true;")
        browser.find_element(By.ID, "publish").click()
        _wait(browser, lambda b: b.find_elements(By.ID, "error-phone"))
        phone = browser.find_element(By.ID, "f-phone")
        assert phone.get_attribute("aria-invalid") == "true" and "error-phone" in phone.get_attribute("aria-describedby")
        assert browser.switch_to.active_element.get_attribute("role") == "alert"
        # The live terminal list refreshes its cells in place: a focused link keeps the focus.
        browser.get(f"{live_server.url}/console/terminals")
        link = browser.find_element(By.CSS_SELECTOR, f"#terminal-rows a[href='/console/terminals/{terminal.id}']")
        browser.execute_script("arguments[0].focus()", link)
        assert terminal.heartbeat(current_screen="checkin", config_version=0).status_code == 200
        browser.execute_script("window.refreshTerminals()")
        _wait(browser, lambda b: "checkin" in b.find_element(By.ID, "terminal-rows").text)
        assert browser.switch_to.active_element.get_attribute("href").endswith(f"/console/terminals/{terminal.id}")
