"""The micro-wish wall on the terminal: the last wall the server sent, kept in the local store so the kiosk shows
it offline, and what each card says in the visitor's language (pure: no Kivy, no I/O beyond the store)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from common import wire
from common.i18n import N_
from services.storage.store import LocalStore

WALL_KEY = "wish_wall"
WALL_ETAG_KEY = "wish_wall_etag"
WALL_ERROR_KEY = "wish_wall_error"


class WishWallError(ValueError):
    """A wall document the kiosk cannot use; the one it has stays."""


def parse_wall(document: Any, source: str) -> wire.WishWall:
    try:
        return wire.WishWall.model_validate(document)
    except ValidationError as exc:
        raise WishWallError(f"{source}: not a wish wall: {exc}") from None


def save_wall(store: LocalStore, wall: wire.WishWall) -> None:
    store.set_state(WALL_KEY, wall.model_dump_json())


def load_wall(store: LocalStore) -> wire.WishWall | None:
    """The wall last received; None before the first (or if what is kept no longer reads)."""
    text = store.get_state(WALL_KEY)
    if not text:
        return None
    try:
        return wire.WishWall.model_validate_json(text)
    except ValidationError:
        return None


@dataclass(frozen=True)
class CardText:
    """One card as the screen shows it, in the visitor's language."""

    status: str  # open | claimed | fulfilled
    title: str
    for_whom: str  # "" when the operator gave none
    status_line: str  # "Waiting for a volunteer" / "Claimed by <team>" / "Fulfilled by <team> · thank you!"
    posted: str  # "Posted 3 Nov" / "11月3日发布"
    url: str  # the wish's phone page for the QR; "" without a public address


STATUS_LINES = {
    "open": N_("Waiting for a volunteer"),
    "claimed": N_("Claimed by %(team)s"),
    "fulfilled": N_("Fulfilled by %(team)s. Thank you!"),
}


def _day(day: date, lang: str) -> str:
    return f"{day.month}月{day.day}日" if lang.startswith("zh") else day.strftime("%-d %b")


def card_texts(wall: wire.WishWall, lang: str, base_url: str, gettext: Callable[[str], str]) -> list[CardText]:
    """Each card's words; ``gettext`` translates the fixed phrases (msgids marked in the kiosk)."""
    cards = []
    for card in wall.cards:
        team = card.team.get(lang) if card.team else ""
        line = gettext(STATUS_LINES[card.status]) % {"team": team}
        posted = gettext(N_("Posted %(day)s")) % {"day": _day(card.posted_on, lang)}
        url = f"{base_url.rstrip('/')}{card.path}" if base_url else ""
        cards.append(CardText(card.status, card.title, card.for_whom, line, posted, url))
    return cards
