"""Accessibility as a test: axe-core (bundled by axe-core-python, injected into real headless Chromium; nothing is
downloaded) on every console page and every public phone page, in both languages, with and without errors
shown; any WCAG 2.1 A or AA violation fails. One server, one browser, the pages visited one after another.
The English pass runs at 320 CSS px and checks that no page scrolls sideways (reflow, WCAG 1.4.10). Then what
axe cannot see, by hand: the skip link, unique titles, the error summary taking the focus, the live terminal list
keeping the keyboard focus."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
from tests.server.console.console_client import ConsoleClient
from tests.server.console.test_console_browser import _sign_in, _wait
from tests.server.feedback_data import feedback_record, item_of, send
from tests.server.queue_calls import SOCIAL_SECURITY_CARD, open_all_day, window_of
from tests.server.release_data import upload_release
from tests.server.usage_data import search, view, visit_record
from tests.server.wish_calls import centre_teams, phone_form

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
    space, booking = _space_with_booking(server, terminal)
    at = booking["starts_at"].replace("+", "%2B")
    window = window_of(open_all_day(server), SOCIAL_SECURITY_CARD)
    queued = terminal.call("POST", "/terminal/queue/numbers", json={"service_code": SOCIAL_SECURITY_CARD}).json()
    served = terminal.call("POST", "/terminal/queue/numbers", json={"service_code": SOCIAL_SECURITY_CARD}).json()
    console = ConsoleClient(server)
    console.sign_in()
    page = f"/queue/windows/{window['id']}"
    for action in ("call", "served"):  # the first number served: its page offers the rating
        console.submit(page, f"{page}/{action}")
    queue_pages = [queued["follow_url"].removeprefix(server.url), served["follow_url"].removeprefix(server.url),
                   "/q/display?lang=zh_CN", "/q/display?lang=en", "/q/NOPE"]
    return [f"/e/{event['id']}", done.headers["location"], f"/m/{event['id']}?t={code}", f"/m/{event['id']}?t=stale",
            f"/s/{tracking}?c={check}&lang=zh", f"/s/{tracking}?c={check}&lang=en", "/s/NOPE?c=000000&lang=zh",
            f"/e/{event['id'] + 1000}", f"/b?space={space['id']}", f"/b/{space['id']}/book?at={at}",
            booking["page_path"], "/b/p/nope", *queue_pages, *_wish_pages(server)]


def _wish_pages(server) -> list[str]:
    """The micro-wish phone pages: posting (and its receipt), an open wish with its claim form, the claimant's
    page, a fulfilled wish, the poster's status page, and the refusals."""
    teams = centre_teams(server)
    poster = requests.Session()
    posted = phone_form(poster, f"{server.url}/w/new", f"{server.url}/w/new", {"text": "阅读角想要新书"})
    tracking = re.search(r"<code>(W[0-9A-Z-]+)</code>", posted.text).group(1)
    check = re.search(r'id="check-code"><code>(\d{6})<', posted.text).group(1)
    console = ConsoleClient(server)
    console.sign_in()
    ids = [int(found) for found in re.findall(r'href="/console/wishes/(\d+)"', console.page("/wishes").text)]
    console.submit(f"/wishes/{ids[0]}", f"/wishes/{ids[0]}/publish", {"title": "阅读角需要新书", "for_whom": "T3 楼职工"})
    volunteer = requests.Session()
    claimed = phone_form(volunteer, f"{server.url}/w/{ids[0]}", f"{server.url}/w/{ids[0]}/claim", {
        "name": "王志愿", "phone": "13912345678", "team": str(teams["youth"]), "consent": "yes"}, allow_redirects=False)
    return ["/w/new", f"/w/{ids[0]}", claimed.headers["location"], f"/ws/{tracking}?c={check}", "/ws/NOPE?c=1",
            f"/w/{ids[0] + 1000}"]


def _space_with_booking(server, terminal) -> tuple[dict, dict]:
    """The centre's meeting room, open every day, and a booking of tomorrow at 10:00 made at the kiosk."""
    space = server.admin("POST", "/admin/booking/spaces", json={
        "name_zh": "商务洽谈室", "name_en": "Business meeting room", "place": "T3 1107", "capacity": 8, "opens": "09:00",
        "closes": "17:00", "weekdays": "0123456", "slot_minutes": 60, "max_minutes_per_day": 120, "days_ahead": 7}).json()
    start = datetime.combine(date.today() + timedelta(days=1), time(10), ZoneInfo("Asia/Shanghai"))
    made = terminal.call("POST", "/terminal/booking/bookings", json={
        "id": str(uuid.uuid4()), "space_id": space["id"], "starts_at": start.isoformat(), "name": "赵敏",
        "company": "富力", "phone": "15800158007"}).json()
    return space, {**made["booking"], "starts_at": start.isoformat()}


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
    assert upload_release(server, "0.2.0", notes="更快的搜索").status_code == 201
    assert server.admin("POST", "/admin/releases/0.2.0/rollouts", json={"scope": "all"}).status_code == 201
    window = window_of(open_all_day(server), SOCIAL_SECURITY_CARD)
    terminal.call("POST", "/terminal/queue/numbers", json={"service_code": SOCIAL_SECURITY_CARD}).raise_for_status()
    now = datetime.now(UTC)
    send(terminal, *[visit_record(now, 40, views=(view("RS-001", printed=True),), searches=(search("宠物医院"),))
                     for _ in range(3)])  # a search that found nothing, shown on the searches page with its forms
    operator = server.admin("GET", "/admin/users").json()[0]["id"] if server.admin("GET", "/admin/users").ok else 1
    matter, meeting = _building_matters(server, terminal)
    volunteers = _volunteer_pages(server, terminal)
    _parked_and_pairing(server, terminal)
    return [*volunteers, "/terminals", f"/terminals/{terminal.id}", f"/terminals/{terminal.id}/revoke", "/terminals/99999",
            "/config", "/config/defaults", "/config/group/lobby", f"/config/terminal/{terminal.id}",
            "/catalogue", "/catalogue/services/RS-001", "/catalogue/services/new", "/catalogue/services/RS-001/delete",
            "/events", "/events/new", f"/events/{event['id']}", f"/events/{event['id']}/edit",
            f"/events/{event['id']}/live", f"/events/{event['id']}/checkins",
            f"/events/{event['id']}/attendees/{registration['id']}/revoke",
            "/feedback", f"/feedback/{item['id']}", "/feedback/stats", "/audit", "/users", f"/users/{operator}", f"/users/{operator}/delete",
            f"/terminals/{terminal.id}/availability", "/alerts", "/backups",
            "/matters", f"/matters/{matter}", "/meetings", f"/meetings/{meeting}", "/convention",
            "/wishes", "/wishes/new", f"/wishes/{_a_wish(server)}",
            "/booking", "/booking/1", "/booking/1/edit", "/booking-spaces/new", "/releases",
            "/queue", f"/queue/windows/{window['id']}", "/queue/stats", "/usage", "/usage/searches", "/usage/popularity",
            "/parked"]


def _parked_and_pairing(server, terminal) -> None:
    """A record the server refused (the parked records page) and a kiosk waiting to be paired (its forms on the
    terminals page)."""
    refused = {"id": str(uuid.uuid4()), "kind": "visit_v9", "created_at": datetime.now(UTC).isoformat(), "payload": {}}
    terminal.call("POST", "/terminal/records", json={"records": [refused]}).raise_for_status()
    requests.post(server.api_url("/enrolment/pairings"), timeout=30, json={
        "code": "482913", "secret": uuid.uuid4().hex * 2, "app_version": "0.1.0"}).raise_for_status()


def _building_matters(server, terminal) -> tuple[int, int]:
    """A kiosk proposal waiting, a matter assigned at a meeting with a public note, a convention: (matter, meeting)."""
    send(terminal, feedback_record("proposal", text="希望增设电动车充电桩"))
    client = ConsoleClient(server)
    client.sign_in()
    matter = int(client.submit("/matters", "/matters", {"title": "写字楼停水", "raised_by": "金泰科技"}).url.rsplit("/", 1)[1])
    meeting = int(client.submit("/meetings", "/meetings", {"title": "3月楼事楼议联席会议", "held_on": "2026-03-10"})
                  .url.rsplit("/", 1)[1])
    client.submit(f"/meetings/{meeting}", f"/meetings/{meeting}/decide", {
        "matter_id": str(matter), "unit_kind": "property", "unit_name": "富力物业", "deadline": "2026-03-31"})
    client.submit(f"/matters/{matter}", f"/matters/{matter}/notes", {"note": "已检修加压泵", "public": "1"})
    client.submit("/convention", "/convention", {"title": "富力共识", "items": "公共安全：遵守消防规定\n守法经营"})
    return matter, meeting


def _volunteer_pages(server, terminal) -> list[str]:
    """A team with a leader, a volunteer activity with one volunteer checked in and out: its console pages."""
    client = ConsoleClient(server)
    client.sign_in()
    made = client.submit("/volunteers/teams/new", "/volunteers/teams/new",
                         {"name_zh": "青年志愿者服务队", "name_en": "Youth Volunteer Team", "description_zh": "疏导交通",
                          "description_en": "Traffic help", "active": "on"})
    team = re.search(r"/volunteers/teams/(\d+)", made.url).group(0)
    page = client.submit(team, f"{team}/members", {"name": "王小明", "phone": "13900139000", "leader": "on"}).text
    member = re.search(r"/volunteers/members/(\d+)", page).group(0)
    now = datetime.now(UTC)
    activity = published_event(server, title_zh="疏导交通", title_en="Traffic help", volunteer_team_id=int(team.rsplit("/", 1)[1]),
                               starts_at=(now - timedelta(hours=2)).isoformat(), ends_at=(now + timedelta(hours=1)).isoformat(),
                               opens_at=(now - timedelta(hours=3)).isoformat(), closes_at=(now + timedelta(hours=1)).isoformat())
    code = ticket_text(server, activity["id"], attendee(server, activity["id"], name="王小明", phone="13900139000")["id"])
    scan_online(terminal, code, now - timedelta(hours=1))
    scan_online(terminal, code, now - timedelta(minutes=5))
    attendee(server, activity["id"], name="李四", phone="13700137001")
    return ["/volunteers", team, f"{team}/edit", "/volunteers/teams/new", member,
            f"/volunteers/activities/{activity['id']}"]


def _a_wish(server) -> int:
    """A wish posted from the console, to review: its page shows the review, assignment and history."""
    console = ConsoleClient(server)
    console.sign_in()
    made = console.submit("/wishes/new", "/wishes/new", {"text": "午休室的毯子不够，希望添几条", "phone": ""},
                          allow_redirects=False)
    return int(made.headers["location"].rsplit("/", 1)[1])


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
        browser.get(f"{live_server.url}/w/new")
        browser.find_element(By.ID, "post").click()  # nothing filled in: the wish form's errors
        _wait(browser, lambda b: b.find_elements(By.ID, "error-text"))
        violations += _violations(browser, "wish form with errors")
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
            browser.get(f"{live_server.url}/console/matters")
            browser.find_element(By.ID, "raise-submit").click()  # no title: the server's error beside the field
            _wait(browser, lambda b: b.find_elements(By.ID, "error-title"))
            violations += _violations(browser, f"{lang} building matter form errors")
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
