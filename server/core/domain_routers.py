"""What a domain hands the app: its routers, grouped by how main.py mounts them."""

from __future__ import annotations

from typing import NamedTuple

from fastapi import APIRouter


class MenuEntry(NamedTuple):
    """A console page in the menu: shown under its group (server/web/menu.py), ``order`` within the group."""

    group: str
    section: str  # the page templates' ``section``: marks the entry of the page being shown
    href: str
    label: str  # a gettext msgid
    order: int
    admin_only: bool = False


class DomainRouters(NamedTuple):
    # Under /api/v1, authenticated (if at all) in each endpoint's first dependency: enrolment, sign-in, terminals.
    open: tuple[APIRouter, ...] = ()
    # Under /api/v1, behind the staff token, checked before any path lookup.
    staff: tuple[APIRouter, ...] = ()
    # Under /console, the signed-in pages.
    console: tuple[APIRouter, ...] = ()
    # Pages for the public (phones), no login.
    public: tuple[APIRouter, ...] = ()
    # The domain's console pages in the menu.
    menu: tuple[MenuEntry, ...] = ()
