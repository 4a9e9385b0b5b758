"""The console's menu: the pages the domains name (``DomainRouters.menu``), in a few groups, so that it stays one
row however many domains there are."""

from __future__ import annotations

from typing import NamedTuple

from server.core.domain_routers import MenuEntry
from server.web.i18n import N_

# Group key -> label, in the menu's order.
MENU_GROUPS = {
    "fleet": N_("Fleet"),
    "services": N_("Services"),
    "centre": N_("Service centre"),
    "system": N_("System"),
}


class MenuGroup(NamedTuple):
    key: str
    label: str  # a gettext msgid
    entries: tuple[MenuEntry, ...]


def console_menu(entries: tuple[MenuEntry, ...], is_admin: bool) -> tuple[MenuGroup, ...]:
    """The groups with the entries this user may open, each in its order; a group with none is left out."""
    unknown = {entry.group for entry in entries} - MENU_GROUPS.keys()
    if unknown:
        raise ValueError(f"menu entries name unknown groups: {sorted(unknown)}")
    shown = [entry for entry in entries if is_admin or not entry.admin_only]
    groups = []
    for key, label in MENU_GROUPS.items():
        members = tuple(sorted((entry for entry in shown if entry.group == key), key=lambda entry: entry.order))
        if members:
            groups.append(MenuGroup(key, label, members))
    return tuple(groups)
