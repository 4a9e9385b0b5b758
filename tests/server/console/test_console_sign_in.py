"""Console sign-in over real HTTP: anonymous visitors go to the login page, the session cookie's flags,
lockout shared with the API login, and sign-out ending the session for good."""

from __future__ import annotations

import secrets

import pytest
import requests
from fastapi.testclient import TestClient

from server.core.config import ServerSettings
from server.main import create_app
from tests.live_server import run_cli, server_env
from tests.server.console.console_client import ConsoleClient, csrf_of

PAGES = ["/", "/terminals", "/terminals/rows", "/config", "/config/defaults", "/catalogue", "/audit"]


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(live_server, path):
    reply = requests.get(f"{live_server.url}/console{path}", allow_redirects=False, timeout=30)
    assert reply.status_code == 303
    assert reply.headers["location"] == "/console/login"


def test_an_anonymous_post_changes_nothing_and_goes_to_the_login_page(live_server):
    reply = requests.post(f"{live_server.url}/console/terminals", data={"name": "x", "location": "y"},
                          allow_redirects=False, timeout=30)
    assert reply.status_code == 303
    assert live_server.admin("GET", "/admin/terminals").json() == []


def test_signing_in_sets_an_httponly_strict_session_cookie(live_server):
    client = ConsoleClient(live_server)
    reply = client.sign_in()
    assert reply.url.endswith("/console/terminals") and reply.status_code == 200
    set_cookie = next(h for h in reply.history[0].raw.headers.getlist("set-cookie") if h.startswith("console_session="))
    flags = {part.strip().lower() for part in set_cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/console"} <= flags
    assert "secure" not in flags  # served over plain http here; Secure only when the request came over https


def test_a_wrong_password_is_refused_without_a_session(live_server):
    client = ConsoleClient(live_server)
    reply = client.sign_in(password="not-the-password")
    assert reply.status_code == 401
    assert "Bad username or password." in reply.text
    assert "console_session" not in client.cookies
    assert client.page("/terminals", allow_redirects=False).status_code == 303


def test_the_login_form_needs_its_csrf_token(live_server):
    client = ConsoleClient(live_server)
    client.page("/login")
    reply = client.post(client.url("/login"), data={"username": "admin", "password": live_server.admin_password,
                                                    "csrf_token": "forged"}, timeout=60)
    assert reply.status_code == 403
    assert "console_session" not in client.cookies


def test_repeated_failures_lock_the_account_for_console_and_api_alike(live_server):
    client = ConsoleClient(live_server)
    for _ in range(5):  # ServerSettings.login_max_failures
        assert client.sign_in(password="wrong").status_code == 401
    locked = client.sign_in()  # the right password, too late
    assert locked.status_code == 429
    assert "locked" in locked.text
    assert "console_session" not in client.cookies
    api = requests.post(live_server.api_url("/admin/login"), timeout=30,
                        json={"username": "admin", "password": live_server.admin_password})
    assert api.status_code == 429


def test_signing_out_ends_the_session_even_for_a_copied_cookie(live_server):
    client = ConsoleClient(live_server)
    client.sign_in()
    stolen = client.cookies["console_session"]
    page = client.page("/terminals")
    reply = client.post(client.url("/logout"), data={"csrf_token": csrf_of(page.text)}, timeout=30)
    assert reply.url.endswith("/console/login")
    replay = requests.get(f"{live_server.url}/console/terminals", cookies={"console_session": stolen},
                          allow_redirects=False, timeout=30)
    assert replay.status_code == 303
    assert replay.headers["location"] == "/console/login"


def test_the_language_switch_shows_the_console_in_chinese_and_back(live_server):
    client = ConsoleClient(live_server)
    client.sign_in()
    assert ">Terminals<" in client.page("/terminals").text
    back = client.page("/language/zh_CN", headers={"Referer": client.url("/audit")})
    assert back.url.endswith("/console/audit")
    assert ">终端<" in back.text and ">审计日志<" in back.text
    client.page("/language/klingon")
    assert ">终端<" in client.page("/terminals").text  # an unknown language changes nothing
    away = client.page("/language/en", headers={"Referer": "https://evil.example/console/x"}, allow_redirects=False)
    assert away.headers["location"] == "/console/terminals"  # never back to another site
    assert ">Terminals<" in client.page("/terminals").text


def test_over_https_the_session_cookie_is_secure(database_url, tmp_path):
    # In process: a TLS-terminating proxy is not part of this repository, so the request's scheme is set
    # by the test client instead; the database and the app are the real ones.
    env = server_env(database_url, tmp_path)
    password = secrets.token_urlsafe(12)
    assert run_cli(env, "init").returncode == 0
    assert run_cli(env, "create-admin", "admin", "--role", "admin", stdin=password + "\n").returncode == 0
    with TestClient(create_app(ServerSettings(database_url=database_url)), base_url="https://kiosk.test") as client:
        form = client.get("/console/login")
        reply = client.post("/console/login", follow_redirects=False, data={
            "csrf_token": csrf_of(form.text), "username": "admin", "password": password})
    assert reply.status_code == 303
    session_cookie = next(h for h in reply.headers.get_list("set-cookie") if h.startswith("console_session="))
    assert "secure" in {part.strip().lower() for part in session_cookie.split(";")}
