"""The input method's dictionary file: jieba's word frequencies joined by Rime's essay (services.devices.ime.
essay, when installed), read with pypinyin, built once.

Building reads ~410,000 words through pypinyin (~20 s), so it happens once per machine and is
written to a cache directory; after that the file is memory-mapped, so opening it costs a header read and
only the pages a lookup touches are ever loaded.

Layout: ``LKIME <format> <fingerprint> <buckets> <spellings>\\n``; an index of fixed-size entries (bucket,
start, end) sorted by bucket, searched in place; the index of spellings (offsets, sorted by word); then the
records, UTF-8: ``\\n<syllables joined by '> <word> <frequency>``, by bucket, then by frequency. A bucket
holds the words whose syllables begin with its letters, one per syllable ('ts': ting'shui 停水). Last, the
spellings: ``<word> <syllables> <frequency>\\n`` for each word and character (its likeliest reading), so
that words the dictionary lacks (the catalogue's) can be read without pypinyin in the kiosk's process.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import mmap
import os
import struct
import tempfile
from collections import Counter
from pathlib import Path

from services.devices.ime.essay import ESSAY, T2S, essay_counts
from services.devices.ime.syllables import SYLLABLES, canonical

__all__ = ["Lexicon", "StaleLexicon", "build", "default_cache_dir", "jieba_dictionary"]

_log = logging.getLogger(__name__)

FORMAT = "5"
RARE_DEMOTION = 1000  # characters outside GB 2312 stay reachable, after the everyday ones
ESSAY_ONLY_MIN = 100  # a word only the essay knows is kept from this count (~63,000 words)
MAX_WORD_CHARS = 8  # longer entries (idiom chains, organisation names) nobody types as one pick
KEY_BYTES = MAX_WORD_CHARS  # a bucket is one letter per syllable
_INDEX = struct.Struct(f"<{KEY_BYTES}sII")  # bucket (NUL-padded), start, end: sorted by bucket
_OFFSET = struct.Struct("<I")  # where a spelling starts: sorted by word


def default_cache_dir() -> Path:
    """$KIOSK_IME_CACHE, else the user's cache directory: the file derives from installed packages
    only, so one build serves every data directory on the machine (tests, benchmarks, screenshots)."""
    configured = os.environ.get("KIOSK_IME_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lobby-kiosk"


def jieba_dictionary() -> Path:
    """jieba's bundled ``dict.txt`` ("word frequency tag" per line), found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the jieba package is not installed: its dict.txt is the input method's dictionary")
    return Path(spec.origin).with_name("dict.txt")


def _essay(dictionary: Path | None) -> Path | None:
    """Rime's essay joins jieba's counts for the real dictionary, when installed (not for a test's own)."""
    return ESSAY if dictionary is None and ESSAY.exists() and T2S.exists() else None


def _fingerprint(dictionary: Path, essay: Path | None) -> str:
    # Readings come from pypinyin, so a new pypinyin means a new file, as does other data.
    essay_size = essay.stat().st_size if essay else 0
    return f"{dictionary.stat().st_size}-{essay_size}-{importlib.metadata.version('pypinyin')}"


def _is_hanzi(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _is_common(text: str) -> bool:
    """In GB 2312, the simplified characters of everyday text; jieba also lists traditional and
    garbled ones (閮, 鍏), which must not crowd the first page."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _usable(word: str) -> bool:
    return len(word) <= MAX_WORD_CHARS and _is_hanzi(word)


def _read_dictionary(dictionary: Path, essay: Path | None) -> list[tuple[str, int]]:
    """(word, frequency): jieba's counts, plus the essay's scaled to the same total (a word the essay
    alone knows only when it is common there: each costs a pypinyin reading at build time)."""
    words: dict[str, int] = {}
    with dictionary.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit() and _usable(parts[0]):
                words[parts[0]] = words.get(parts[0], 0) + int(parts[1])
    counts = essay_counts(essay) if essay else {}
    if counts:
        scale = sum(words.values()) / sum(counts.values())
        for word, count in counts.items():
            if _usable(word) and (word in words or count >= ESSAY_ONLY_MIN):
                words[word] = words.get(word, 0) + round(count * scale)
    return list(words.items())


def _entries(words: list[tuple[str, int]]) -> list[tuple[str, str, str, int]]:
    """(bucket, syllables, word, frequency) for every word, and for every reading of every character."""
    from pypinyin import Style, lazy_pinyin, pinyin

    entries = []
    usage: Counter[tuple[str, str]] = Counter()  # (character, reading) -> frequency of words read so
    singles = {}
    for word, frequency in words:
        if len(word) == 1:
            singles[word] = frequency if _is_common(word) else frequency // RARE_DEMOTION
            continue
        if not _is_common(word):
            continue
        # Phrase-aware: 银行 reads yin hang, 重庆 chong qing.
        syllables = [canonical(s) for s in lazy_pinyin(word)]
        if len(syllables) != len(word) or not all(s in SYLLABLES for s in syllables):
            continue
        entries.append(("".join(s[0] for s in syllables), "'".join(syllables), word, frequency))
        for character, syllable in zip(word, syllables, strict=False):
            usage[character, syllable] += frequency
    for character, frequency in singles.items():
        readings = []
        for reading in pinyin(character, style=Style.NORMAL, heteronym=True)[0]:
            reading = canonical(reading)
            if reading in SYLLABLES and reading not in readings:
                readings.append(reading)
        # jieba counts the character, not the reading: share the count the way the character reads
        # inside words (率: lv in 效率, shuai in 率领); pypinyin's first reading wins a tie.
        weights = [usage[character, r] + (1 if i == 0 else 0) for i, r in enumerate(readings)]
        total = sum(weights)
        for reading, weight in zip(readings, weights, strict=True):
            entries.append((reading[0], reading, character, max(1, frequency * weight // total)))
    # Characters seen only inside words can still be picked one by one (a rare character of a name).
    for (character, reading), frequency in usage.items():
        if character not in singles:
            rare = 1 if _is_common(character) else RARE_DEMOTION
            entries.append((reading[0], reading, character, max(1, frequency // 100 // rare)))
    return entries


def _spellings(entries: list[tuple[str, str, str, int]]) -> list[tuple[str, tuple[str, int]]]:
    """(word, (syllables, frequency)) of every word and character at its most frequent reading, by word."""
    best: dict[str, tuple[str, int]] = {}
    for _, syllables, word, frequency in entries:
        if word not in best or frequency > best[word][1]:
            best[word] = (syllables, frequency)
    return sorted(best.items(), key=lambda item: item[0].encode())


def build(path: Path, dictionary: Path | None = None) -> None:
    """Write the dictionary file at ``path`` (atomically: a reader never sees half a file)."""
    essay = _essay(dictionary)
    dictionary = dictionary or jieba_dictionary()
    entries = _entries(_read_dictionary(dictionary, essay))
    entries.sort(key=lambda e: (e[0].encode().ljust(KEY_BYTES, b"\0"), -e[3], e[1], e[2]))
    body = bytearray()
    spans: dict[str, list[int]] = {}  # bucket -> [start, end] in body
    for bucket, syllables, word, frequency in entries:
        span = spans.get(bucket)
        if span is None:
            span = spans[bucket] = [len(body), len(body)]
        body += f"\n{syllables} {word} {frequency}".encode()
        span[1] = len(body)
    spellings = _spellings(entries)
    header = f"LKIME {FORMAT} {_fingerprint(dictionary, essay)} {len(spans)} {len(spellings)}\n".encode()
    base = len(header) + len(spans) * _INDEX.size + len(spellings) * _OFFSET.size
    index = b"".join(_INDEX.pack(key.encode(), base + a, base + b) for key, (a, b) in spans.items())
    lines, offsets, at = [], [], base + len(body)
    for word, (syllables, frequency) in spellings:
        line = f"{word} {syllables} {frequency}\n".encode()
        offsets.append(_OFFSET.pack(at))
        lines.append(line)
        at += len(line)
    index += b"".join(offsets)
    body += b"".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as out:
        out.write(header + index + body)
        out.flush()
        os.fsync(out.fileno())
    os.replace(out.name, path)
    _log.info("input method dictionary: %d entries, %.1f MiB, written to %s", len(entries), path.stat().st_size / 2**20, path)


class Lexicon:
    """An open dictionary file, memory-mapped as ``blob``; ``span(bucket)`` finds a bucket's records."""

    FILE_NAME = "ime-lexicon.bin"

    def __init__(self, path: Path, dictionary: Path | None = None):
        expected = f"LKIME {FORMAT} {_fingerprint(dictionary or jieba_dictionary(), _essay(dictionary))}"
        with path.open("rb") as file:
            header = file.readline().decode("ascii", "replace").strip()
            name, count, spellings = header.rsplit(" ", 2) if header.count(" ") >= 2 else (header, "", "")
            if name != expected or not count.isdigit() or not spellings.isdigit():
                raise StaleLexicon(f"{path}: {header!r} is not {expected!r}")
            self.blob = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self._index_at, self._count = len(header) + 1, int(count)
        self._spellings_at, self._spelling_count = self._index_at + self._count * _INDEX.size, int(spellings)
        self.path = path

    def span(self, bucket: str) -> tuple[int, int] | None:
        """Byte span of the bucket's records in ``blob``: a binary search over the sorted index."""
        key = bucket.encode().ljust(KEY_BYTES, b"\0")
        if len(key) > KEY_BYTES:
            return None
        blob, at, size = self.blob, self._index_at, _INDEX.size
        low, high = 0, self._count
        while low < high:
            middle = (low + high) // 2
            found = blob[at + middle * size : at + middle * size + KEY_BYTES]
            if found < key:
                low = middle + 1
            elif found > key:
                high = middle
            else:
                _, start, end = _INDEX.unpack_from(blob, at + middle * size)
                return start, end
        return None

    def spelling(self, word: str) -> tuple[str, int] | None:
        """(syllables joined by ', frequency) of ``word`` at its likeliest reading, or None: a binary search."""
        key = word.encode() + b" "
        blob, at, size = self.blob, self._spellings_at, _OFFSET.size
        low, high = 0, self._spelling_count
        while low < high:
            middle = (low + high) // 2
            (start,) = _OFFSET.unpack_from(blob, at + middle * size)
            found = blob[start : start + len(key)]
            if found == key:
                _, syllables, frequency = blob[start : blob.find(b"\n", start)].decode().split(" ")
                return syllables, int(frequency)
            if blob[start : blob.find(b" ", start)] + b" " < key:
                low = middle + 1
            else:
                high = middle
        return None

    @classmethod
    def open_or_build(cls, cache_dir: Path, dictionary: Path | None = None) -> Lexicon:
        path = cache_dir / cls.FILE_NAME
        try:
            return cls(path, dictionary)
        except (FileNotFoundError, StaleLexicon, ValueError) as exc:
            _log.info("building the input method dictionary (%s)", exc)
        build(path, dictionary)
        return cls(path, dictionary)

    def close(self) -> None:
        self.blob.close()


class StaleLexicon(ValueError):
    """The file was built by another format or from other data: build it again."""
