"""The console's Users page over real HTTP: admins add, change, unlock and delete staff accounts, with the
password rule of the CLI, never leaving the fleet without an admin; operators are refused and change nothing."""

from __future__ import annotations

import re

import pytest
import requests

from tests.server.console.console_client import ConsoleClient, create_operator

NEW_PASSWORD = "a new long password"


@pytest.fixture
def admin(live_server) -> ConsoleClient:
    client = ConsoleClient(live_server)
    assert client.sign_in().status_code == 200
    return client


@pytest.fixture
def operator_password(live_server) -> str:
    return create_operator(live_server)


@pytest.fixture
def operator(live_server, operator_password) -> ConsoleClient:
    client = ConsoleClient(live_server)
    assert client.sign_in("operator", operator_password).status_code == 200
    return client


def _user_id(client: ConsoleClient, username: str) -> int:
    found = re.search(rf'<tr data-username="{re.escape(username)}">\s*<td><a href="/console/users/(\d+)"',
                      client.page("/users").text)
    assert found, f"{username} is not on the users page"
    return int(found.group(1))


def _create(client: ConsoleClient, username: str, password: str, role: str = "operator",
            confirm: str | None = None) -> requests.Response:
    return client.submit("/users", "/users", {"username": username, "role": role, "password": password,
                                              "confirm": password if confirm is None else confirm})


def _audit(server) -> list[tuple[str, str, str]]:
    return [(e["actor"], e["action"], e["target"]) for e in server.admin("GET", "/admin/audit").json()]


def test_an_admin_creates_an_operator_who_can_then_sign_in(live_server, admin):
    created = _create(admin, "desk-1", "long enough")
    assert created.status_code == 200 and re.search(r"/console/users/\d+$", created.url)
    assert "desk-1" in admin.page("/users").text
    newcomer = ConsoleClient(live_server)
    assert newcomer.sign_in("desk-1", "long enough").status_code == 200
    assert 'class="role">Operator<' in newcomer.page("/terminals").text
    assert ("admin", "admin.create", "admin:desk-1") in _audit(live_server)


@pytest.mark.parametrize("password, confirm, field, message", [
    ("short", "short", "password", "The password needs 8 to 200 characters."),
    ("long enough", "long enougH", "confirm", "The two passwords differ."),
])
def test_a_bad_password_is_refused_beside_its_field(live_server, admin, password, confirm, field, message):
    reply = _create(admin, "desk-2", password, confirm=confirm)
    assert reply.status_code == 422
    assert re.search(rf'id="error-{field}">[^<]*{re.escape(message)}', reply.text)
    assert 'value="desk-2"' in reply.text  # the form keeps what was typed
    assert "desk-2" not in admin.page("/users").text
    assert ConsoleClient(live_server).sign_in("desk-2", password).status_code == 401


def test_a_taken_username_is_refused(admin):
    reply = _create(admin, "admin", "long enough", role="operator")
    assert reply.status_code == 422 and "That username is taken." in reply.text


def test_a_username_with_markup_shows_as_text(admin):
    assert _create(admin, "<b>x</b>", "long enough").status_code == 200
    page = admin.page("/users").text
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_the_page_and_its_messages_in_chinese(admin):
    admin.cookies.set("console_lang", "zh_CN", path="/console")
    reply = _create(admin, "desk-3", "short")
    assert "密码需要 8 到 200 个字符。" in reply.text and "添加用户" in reply.text


def test_an_operator_gets_403_and_no_nav_link(operator):
    assert 'id="nav-users"' not in operator.page("/terminals").text
    assert operator.page("/users").status_code == 403
    assert operator.page("/users/1").status_code == 403


def test_an_admin_sees_the_nav_link(admin):
    assert 'id="nav-users"' in admin.page("/terminals").text


@pytest.mark.parametrize("action, data", [
    ("/users", {"username": "sneaky", "role": "admin", "password": "long enough", "confirm": "long enough"}),
    ("/users/{id}/role", {"role": "operator"}),
    ("/users/{id}/password", {"password": "long enough", "confirm": "long enough"}),
    ("/users/{id}/unlock", {}),
    ("/users/{id}/delete", {}),
])
def test_an_operator_is_refused_every_users_action(live_server, admin, operator, action, data):
    admin_id = _user_id(admin, "admin")
    before = (admin.page("/users").text, _audit(live_server))
    reply = operator.submit("/terminals", action.format(id=admin_id), data)
    assert reply.status_code == 403 and "This needs the admin role." in reply.text
    assert (admin.page("/users").text, _audit(live_server)) == before
    assert ConsoleClient(live_server).sign_in().status_code == 200  # the admin's password still works


def test_the_only_admin_cannot_demote_or_delete_themselves(live_server, admin):
    me = _user_id(admin, "admin")
    demoted = admin.submit(f"/users/{me}", f"/users/{me}/role", {"role": "operator"})
    assert demoted.status_code == 422 and "The last admin cannot be demoted." in demoted.text
    deleted = admin.submit(f"/users/{me}", f"/users/{me}/delete", {})
    assert deleted.status_code == 422 and "The last admin cannot be deleted." in deleted.text
    assert 'class="role">Administrator<' in admin.page("/terminals").text


def test_an_admin_cannot_demote_or_delete_their_own_account_even_with_another_admin(live_server, admin):
    _create(admin, "second", "long enough", role="admin")
    me = _user_id(admin, "admin")
    demoted = admin.submit(f"/users/{me}", f"/users/{me}/role", {"role": "operator"})
    assert demoted.status_code == 422 and "You cannot demote your own account." in demoted.text
    deleted = admin.submit(f"/users/{me}", f"/users/{me}/delete", {})
    assert deleted.status_code == 422 and "You cannot delete your own account." in deleted.text
    assert 'class="role">Administrator<' in admin.page("/terminals").text


def test_an_admin_changes_another_users_role(live_server, admin):
    _create(admin, "second", "long enough", role="admin")
    second = _user_id(admin, "second")
    assert admin.submit(f"/users/{second}", f"/users/{second}/role", {"role": "operator"}).status_code == 200
    client = ConsoleClient(live_server)
    client.sign_in("second", "long enough")
    assert client.page("/users").status_code == 403
    assert ("admin", "admin.role_change", "admin:second") in _audit(live_server)


def test_resetting_a_password_signs_the_user_out_everywhere(live_server, admin, operator, operator_password):
    token = live_server.login("operator", operator_password)
    assert live_server.admin("GET", "/admin/terminals", token=token).status_code == 200
    target = _user_id(admin, "operator")
    reply = admin.submit(f"/users/{target}", f"/users/{target}/password",
                         {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert reply.status_code == 200
    assert operator.page("/terminals", allow_redirects=False).headers["location"] == "/console/login"
    assert live_server.admin("GET", "/admin/terminals", token=token).status_code == 401
    assert ConsoleClient(live_server).sign_in("operator", operator_password).status_code == 401
    assert ConsoleClient(live_server).sign_in("operator", NEW_PASSWORD).status_code == 200
    assert ("admin", "admin.password_reset", "admin:operator") in _audit(live_server)


def test_a_short_reset_password_is_refused_and_the_old_one_still_works(live_server, admin, operator,
                                                                    operator_password):
    target = _user_id(admin, "operator")
    reply = admin.submit(f"/users/{target}", f"/users/{target}/password", {"password": "short", "confirm": "short"})
    assert reply.status_code == 422 and 'id="error-password"' in reply.text
    assert operator.page("/terminals", allow_redirects=False).status_code == 200
    assert ConsoleClient(live_server).sign_in("operator", operator_password).status_code == 200


def test_unlocking_clears_a_lockout(live_server, admin):
    password = create_operator(live_server, "desk-4")
    visitor = ConsoleClient(live_server)
    for _ in range(5):  # ServerSettings.login_max_failures
        assert visitor.sign_in("desk-4", "wrong").status_code == 401
    assert visitor.sign_in("desk-4", password).status_code == 429
    target = _user_id(admin, "desk-4")
    assert "Locked until" in admin.page(f"/users/{target}").text
    assert admin.submit(f"/users/{target}", f"/users/{target}/unlock", {}).status_code == 200
    assert "Locked until" not in admin.page("/users").text
    assert visitor.sign_in("desk-4", password).status_code == 200
    assert ("admin", "admin.unlock", "admin:desk-4") in _audit(live_server)


def test_deleting_a_user_signs_them_out_and_keeps_them_out(live_server, admin, operator, operator_password):
    password = operator_password
    token = live_server.login("operator", password)
    target = _user_id(admin, "operator")
    assert f'href="/console/users/{target}/delete"' in admin.page(f"/users/{target}").text  # asks first
    confirm = admin.page(f"/users/{target}/delete")
    assert "operator" in confirm.text and 'id="confirm-delete"' in confirm.text
    assert ConsoleClient(live_server).sign_in("operator", password).status_code == 200  # asking deleted nothing
    reply = admin.submit(f"/users/{target}/delete", f"/users/{target}/delete", {})
    assert reply.status_code == 200 and reply.url.endswith("/console/users")
    assert 'data-username="operator"' not in reply.text
    assert operator.page("/terminals", allow_redirects=False).headers["location"] == "/console/login"
    assert live_server.admin("GET", "/admin/terminals", token=token).status_code == 401
    assert ConsoleClient(live_server).sign_in("operator", password).status_code == 401
    assert ("admin", "admin.delete", "admin:operator") in _audit(live_server)
