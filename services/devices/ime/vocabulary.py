"""The kiosk's own words, which rank above the general dictionary's: the lobby's (``lobby_words.txt``,
shipped), the catalogue's (service names and aliases, departments, life events, the offices' places)
and the feedback categories' titles.

Their readings come from the dictionary file itself (``Lexicon.spelling``), so the kiosk's process never
loads pypinyin (~55 MiB): a word the dictionary lacks is read as the longest dictionary words it is
made of, from the left (社会保险单位参保登记: 社会保险 单位 参保 登记).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from services.devices.ime.lexicon import MAX_WORD_CHARS, Lexicon

if TYPE_CHECKING:
    from common.catalogue import Catalogue
    from common.settings import FeedbackCategory

__all__ = ["kiosk_words", "lobby_words", "spell"]

LOBBY_WORDS = Path(__file__).with_name("lobby_words.txt")
_PHRASE = re.compile("[\u4e00-\u9fff]{2,}")  # a run of two or more Chinese characters


def lobby_words() -> list[str]:
    words = []
    for line in LOBBY_WORDS.read_text(encoding="utf-8").splitlines():
        words.extend(line.split("#", 1)[0].split())
    return words


def kiosk_words(catalogue: Catalogue | None, categories: Iterable[FeedbackCategory] = ()) -> list[str]:
    """Every run of Chinese characters in the catalogue's names, aliases and places and in the
    categories' titles, first seen first (退休申请（基本养老金申领）gives 退休申请 and 基本养老金申领)."""
    texts = [category.title.zh for category in categories]
    if catalogue is not None:
        for department in catalogue.departments:
            texts += [department.name.zh, department.office.zh if department.office else ""]
        texts += [event.name.zh for event in catalogue.life_events]
        for service in catalogue.services:
            texts += [service.name.zh, *service.keywords, service.office.window.zh, service.office.address.zh]
    return list(dict.fromkeys(phrase for text in texts for phrase in _PHRASE.findall(text)))


def spell(lexicon: Lexicon, text: str) -> tuple[list[str], int] | None:
    """(syllables, the dictionary's frequency of ``text`` or 0) of Chinese ``text``; None when a
    character has no reading."""
    whole = lexicon.spelling(text)
    if whole is not None:
        return whole[0].split("'"), whole[1]
    syllables: list[str] = []
    at = 0
    while at < len(text):
        for size in range(min(MAX_WORD_CHARS, len(text) - at), 0, -1):
            found = lexicon.spelling(text[at : at + size])
            if found is not None:
                syllables += found[0].split("'")
                at += size
                break
        else:
            return None
    return syllables, 0
