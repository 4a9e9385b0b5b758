"""The search thesaurus: everyday words and the catalogue's official words for the same thing.

A UTF-8 text file, one entry a line: ``word<TAB>catalogue words separated by spaces``; ``#`` starts a comment
line, blank lines are skipped. The bundled one is config/catalogue/thesaurus.tsv (general wordings that apply
across services: 公司 / 企业, 丢了 / 补领, company / enterprise); a wording that belongs to one service is that
service's alias in the catalogue instead.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from common.paths import THESAURUS_FILE

Thesaurus = dict[str, tuple[str, ...]]


class ThesaurusError(ValueError):
    """A line of a thesaurus file that is not ``word<TAB>words``; says where."""


def parse_thesaurus(text: str, source: str) -> Thesaurus:
    """The entries of a thesaurus file's text; raises ThesaurusError naming the file and line of a bad one."""
    entries: Thesaurus = {}
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word, tab, meant = line.partition("\t")
        word, words = word.strip().lower(), tuple(meant.lower().split())
        if not tab or not word or not words or " " in word:
            raise ThesaurusError(f"{source}:{number}: expected one word, a tab, then the catalogue's words")
        if word in entries:
            raise ThesaurusError(f"{source}:{number}: {word!r} is already given on an earlier line")
        entries[word] = tuple(w for w in words if w != word)
    return entries


@lru_cache(maxsize=1)
def bundled_thesaurus() -> Thesaurus:
    """The thesaurus shipped with the catalogue data, read once per process."""
    return load_thesaurus(THESAURUS_FILE)


def load_thesaurus(path: Path) -> Thesaurus:
    return parse_thesaurus(path.read_text(encoding="utf-8"), str(path))
