"""A console visitor for the tests: a requests session that signs in through the login form and reads the
CSRF token from the pages, as a browser would."""

from __future__ import annotations

import re
import secrets

import requests

from tests.live_server import ADMIN_USERNAME, LiveServer

_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_of(page: str) -> str:
    found = _CSRF.search(page)
    assert found, "no CSRF field on the page"
    return found.group(1)


class ConsoleClient(requests.Session):
    def __init__(self, server: LiveServer):
        super().__init__()
        self.server = server

    def url(self, path: str) -> str:
        return f"{self.server.url}/console{path}"

    def page(self, path: str, **kwargs) -> requests.Response:
        return self.get(self.url(path), timeout=30, **kwargs)

    def sign_in(self, username: str = ADMIN_USERNAME, password: str | None = None) -> requests.Response:
        form = self.page("/login")
        return self.post(self.url("/login"), timeout=60, data={
            "csrf_token": csrf_of(form.text), "username": username,
            "password": self.server.admin_password if password is None else password,
        })

    def submit(self, page_path: str, action: str, data: dict | None = None, **kwargs) -> requests.Response:
        """POST ``data`` to ``action`` with the CSRF token read from ``page_path``, as its form would."""
        token = csrf_of(self.page(page_path).text)
        return self.post(self.url(action), data={"csrf_token": token, **(data or {})}, timeout=60, **kwargs)


def create_operator(server: LiveServer, username: str = "operator") -> str:
    """A staff account with the operator role; its password."""
    password = secrets.token_urlsafe(12)
    server.add_account(username, password, role="operator")
    return password
