"""Pinyin readings for the search index without pypinyin in the kiosk's process.

pypinyin holds ~47 MiB once imported (its phrase dictionary as Python objects, a prefix set over it, the
character table), and the kiosk needs it only to read its own catalogue once. So the kiosk has a child
process read the catalogue's texts (``python -m services.guide.readings CATALOGUE OUT``), keeps what it wrote
in the cache directory (keyed by the catalogue and pypinyin's version: once per catalogue and machine), and
builds the index from that file. A query's Chinese characters are read from pypinyin's character table file
(``pinyin_dict.json``, mapped and searched, not parsed) without importing pypinyin; only what was asked is kept.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import mmap
import os
import subprocess
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

from common.catalogue import Catalogue, parse_catalogue

log = logging.getLogger(__name__)
TONE_MARKS = "\u0304\u0301\u030c\u0300"  # combining macron, acute, caron, grave


class PhraseReadings(dict):
    """Text -> pypinyin's ``lazy_pinyin`` of it (phrase-aware: 银行 -> yin hang). A text not given is read
    with pypinyin (imported then) and remembered, so the texts an index build asked for can be written out."""

    def __missing__(self, text: str) -> list[str]:
        from pypinyin import lazy_pinyin

        found = self[text] = lazy_pinyin(text)
        return found


@lru_cache(maxsize=1)
def _character_table() -> mmap.mmap | None:
    """pypinyin's character table file, mapped: one ``"<code point>": "<readings>",`` per line. Parsed, it is a
    ~7 MiB dict for the few characters visitors type; a lookup is a search of the mapped file instead (~1 ms)."""
    spec = importlib.util.find_spec("pypinyin")  # finds the package's folder without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    with open(path, "rb") as table:
        return mmap.mmap(table.fileno(), 0, access=mmap.ACCESS_READ)


def _marked_readings(ch: str) -> str:
    """The character's readings as the table spells them ("lǜ,lù"), "" when it has none."""
    table = _character_table()
    if table is None:
        return ""
    key = f'\n"{ord(ch)}": "'.encode()
    start = table.find(key)
    if start < 0:
        return ""
    start += len(key)
    return table[start : table.find(b'"', start)].decode("utf-8")


@lru_cache(maxsize=4096)
def character_readings(ch: str) -> tuple[str, ...]:
    """All readings of one Chinese character without tones, as pypinyin's Style.NORMAL spells them
    (ü as v: 绿 -> lv), () when it has none."""
    readings: list[str] = []
    for marked in _marked_readings(ch).split(","):
        spelt = unicodedata.normalize("NFD", marked).replace("u\u0308", "v")  # ü and ǘ ǚ ǜ: u + diaeresis (+ tone)
        plain = "".join(c for c in spelt if c not in TONE_MARKS)  # ê (e + circumflex) stays, and is dropped
        if plain.isascii() and plain.isalpha() and plain.lower() not in readings:
            readings.append(plain.lower())
    return tuple(readings)


def _cache_file(catalogue_json: str) -> Path:
    from services.devices.ime.lexicon import default_cache_dir

    key = hashlib.sha256(f"{importlib.metadata.version('pypinyin')}\n{catalogue_json}".encode()).hexdigest()[:20]
    return default_cache_dir() / f"search-readings-{key}.json"


def catalogue_readings(catalogue: Catalogue) -> PhraseReadings:
    """The readings of every text the search index reads in ``catalogue``: from the cache, else from a child
    process. If that fails, an empty map: the index build then reads them here, with pypinyin."""
    catalogue_json = catalogue.model_dump_json()
    cache = _cache_file(catalogue_json)
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        source = cache.with_name(f".{cache.stem}.{os.getpid()}.catalogue.json")
        source.write_text(catalogue_json, encoding="utf-8")
        try:
            subprocess.run([sys.executable, "-m", "services.guide.readings", str(source), str(cache)],
                           check=True, timeout=600, capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("reading the catalogue's pinyin in a child process failed, read here instead: %s", exc)
            return PhraseReadings()
        finally:
            source.unlink(missing_ok=True)
    try:
        return PhraseReadings(json.loads(cache.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        log.warning("the catalogue's pinyin in %s is unreadable, read here instead: %s", cache, exc)
        return PhraseReadings()


def _write_readings(source: Path, target: Path) -> None:
    from services.guide.search import SearchIndex

    catalogue = parse_catalogue(json.loads(source.read_text(encoding="utf-8")), str(source))
    readings = PhraseReadings()
    SearchIndex(catalogue, phrase_readings=readings)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    temporary.write_text(json.dumps(readings, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, target)  # whole or not at all, for a kiosk reading it at the same time


if __name__ == "__main__":
    from services.guide.word_counts import open_word_counts

    open_word_counts(build_here=True)  # the index build below needs it; this process is a child already
    _write_readings(Path(sys.argv[1]), Path(sys.argv[2]))
