"""Helpers of the micro-wish tests over real HTTP: the centre's teams in the server's database, and the phone
pages' forms filled in as a phone's browser does (CSRF token from the page, cookie kept by the session)."""

from __future__ import annotations

import re

import requests
from sqlalchemy import select

from server.core.db import make_engine, make_session_factory
from server.volunteers.models import VolunteerTeam
from server.volunteers.seed import create_centre_teams
from tests.live_server import LiveServer

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def centre_teams(server: LiveServer) -> dict[str, int]:
    """The centre's teams in the server's database (as demo-data makes them): key -> id."""
    engine = make_engine(server.database_url)
    try:
        with make_session_factory(engine)() as db:
            create_centre_teams(db)
            db.commit()
            return {team.key: team.id for team in db.scalars(select(VolunteerTeam))}
    finally:
        engine.dispose()


def phone_form(browser: requests.Session, url: str, action: str, data: dict, **kwargs) -> requests.Response:
    """GET ``url`` (a page with a form), then POST ``data`` to ``action`` with the page's CSRF token."""
    page = browser.get(url, timeout=30)
    found = _CSRF.search(page.text)
    assert found, f"no form on {url}: {page.status_code}"
    return browser.post(action, data={"csrf_token": found.group(1), **data}, timeout=30, **kwargs)


def reason(page: requests.Response) -> str | None:
    found = re.search(r'id="message" data-reason="([a-z_]+)"', page.text)
    return found.group(1) if found else None


def errors(page: requests.Response) -> set[str]:
    return set(re.findall(r'id="error-([a-z_]+)"', page.text))
