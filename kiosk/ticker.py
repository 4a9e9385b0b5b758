"""What the landscape home screen's ticker shows in turn. Portrait lists today's events and the notices on the
home board; landscape has no room for the board, so the ticker carries both: today's events first (a visitor
standing in the lobby wants to know what is on), then the centre's notices."""

from __future__ import annotations

from typing import NamedTuple


class TickerItem(NamedTuple):
    icon: str  # a key of screens.icons.ICONS
    text: str


def ticker_items(todays_events: list[tuple[str, str]], notices: list[str]) -> list[TickerItem]:
    """``todays_events`` as the home board gets them: (title, time and place)."""
    events = [TickerItem("event", f"{title}  ·  {detail}" if detail else title) for title, detail in todays_events]
    return events + [TickerItem("announce", notice) for notice in notices if notice]
