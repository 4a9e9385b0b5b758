"""The console menu: every domain's pages in their groups and order, admin-only pages hidden from operators."""

from __future__ import annotations

import pytest

from server.core.domain_routers import MenuEntry
from server.domains import DOMAINS
from server.web.menu import MENU_GROUPS, console_menu

ENTRIES = tuple(entry for domain in DOMAINS for entry in domain.menu)


def test_an_administrator_sees_every_page_grouped_in_order():
    groups = console_menu(ENTRIES, is_admin=True)
    assert [group.key for group in groups] == [key for key in MENU_GROUPS if any(e.group == key for e in ENTRIES)]
    assert [entry.section for entry in groups[0].entries][:2] == ["terminals", "config"]
    shown = [entry.section for group in groups for entry in group.entries]
    assert sorted(shown) == sorted(entry.section for entry in ENTRIES) and len(set(shown)) == len(shown)


def test_an_operator_does_not_see_admin_pages_and_an_emptied_group_is_left_out():
    shown = {entry.section for group in console_menu(ENTRIES, is_admin=False) for entry in group.entries}
    assert {"config", "users"}.isdisjoint(shown) and "feedback" in shown
    only_admin = (MenuEntry("fleet", "terminals", "/console/terminals", "Terminals", 10),
                  MenuEntry("system", "users", "/console/users", "Users", 10, admin_only=True))
    assert [group.key for group in console_menu(only_admin, is_admin=False)] == ["fleet"]


def test_an_entry_in_an_unknown_group_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown groups"):
        console_menu((MenuEntry("misc", "x", "/console/x", "X", 1),), is_admin=True)
