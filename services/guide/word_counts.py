"""jieba's word counts for the search's segmenter as a memory-mapped file, not a dict in the kiosk's memory.

As a dict, the 159,000 words the segmenter keeps (and the prefixes its word graph walks) took 22 MiB of the
kiosk for its whole life (tracemalloc, bench/bench_memory.py). The file is an open-addressing hash table:
a lookup hashes the word's UTF-8 (CRC-32) and reads a few bytes of the mapping (~2 µs; a catalogue's index
build looks up ~140,000 times, a query a few dozen), and only the pages lookups touch are ever loaded.
Built once per machine from jieba's ``dict.txt`` in a child process (``python -m services.guide.word_counts
OUT``), so the dict it is built from is never in the kiosk's memory either.

Layout: ``HEADER`` (magic, slots, corpus total), ``slots`` little-endian uint32 record offsets (0: empty),
then the records: the word's UTF-8 length (uint8), the word, its count (uint32).
"""

from __future__ import annotations

import logging
import mmap
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from services.devices.ime.lexicon import default_cache_dir, jieba_dictionary

log = logging.getLogger(__name__)

FORMAT = b"LKWC1"
HEADER = struct.Struct("<5sIQ")  # format, slots (a power of two), total of every count in the corpus
SLOT = struct.Struct("<I")
COUNT = struct.Struct("<I")
# The words seen at least MIN_WORD_COUNT times in jieba's corpus, and two-character words seen MIN_PAIR_COUNT
# times (网店 is seen 3 times: everyday two-character words are what questions are made of): 159,000 of its
# 349,000 words segment visitors' questions as well; a rarer word is cut into its known parts.
MIN_WORD_COUNT, MIN_PAIR_COUNT = 10, 3


class WordCounts:
    """Read-only mapping word -> count over the mapped file (``in``, ``[]``, ``get``, as jieba reads its FREQ)."""

    def __init__(self, path: Path):
        with open(path, "rb") as file:
            self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        magic, slots, self.total = HEADER.unpack_from(self._map)
        if magic != FORMAT:
            raise ValueError(f"{path} is not a word count table of format {FORMAT!r}")
        self._mask = slots - 1

    def _count(self, word: str) -> int | None:
        key = word.encode("utf-8", "surrogatepass")
        if len(key) > 255:
            return None
        table, mask = self._map, self._mask
        slot = zlib.crc32(key) & mask
        while True:
            (offset,) = SLOT.unpack_from(table, HEADER.size + slot * SLOT.size)
            if offset == 0:
                return None
            if table[offset] == len(key) and table[offset + 1 : offset + 1 + len(key)] == key:
                return COUNT.unpack_from(table, offset + 1 + len(key))[0]
            slot = (slot + 1) & mask

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._count(word) is not None

    def __getitem__(self, word: str) -> int:
        count = self._count(word)
        if count is None:
            raise KeyError(word)
        return count

    def get(self, word: str, default: int | None = None) -> int | None:
        count = self._count(word)
        return default if count is None else count


def read_dictionary(dictionary: Path) -> tuple[dict[str, int], int]:
    """The kept words' counts with the zero-count prefixes jieba's segmenter walks, and the corpus total of
    every word, pruned ones too, so probabilities stay jieba's."""
    counts: dict[str, int] = {}
    total = 0
    with open(dictionary, encoding="utf-8") as lines:
        for line in lines:
            word, count, _tag = line.split(" ")
            total += int(count)
            if int(count) >= (MIN_PAIR_COUNT if len(word) == 2 else MIN_WORD_COUNT):
                counts[word] = int(count)
                for end in range(1, len(word)):
                    counts.setdefault(word[:end], 0)
    return counts, total


def write_table(counts: dict[str, int], total: int, target: Path) -> None:
    slots = 1 << (2 * len(counts)).bit_length()  # at most half full: a probe or two per lookup
    index = bytearray(slots * SLOT.size)
    records = bytearray()
    start = HEADER.size + len(index)
    for word, count in counts.items():
        key = word.encode("utf-8")
        if len(key) > 255:
            continue  # no such word in jieba's dictionary; a lookup of it finds nothing, as for any unknown word
        slot = zlib.crc32(key) & (slots - 1)
        while SLOT.unpack_from(index, slot * SLOT.size)[0]:
            slot = (slot + 1) & (slots - 1)
        SLOT.pack_into(index, slot * SLOT.size, start + len(records))
        records += bytes((len(key),)) + key + COUNT.pack(count)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    temporary.write_bytes(HEADER.pack(FORMAT, slots, total) + index + records)
    os.replace(temporary, target)  # whole or not at all, for a kiosk opening it at the same time


def table_file() -> Path:
    dictionary = jieba_dictionary()
    key = f"{dictionary.stat().st_size}-{MIN_WORD_COUNT}-{MIN_PAIR_COUNT}"
    return default_cache_dir() / f"search-word-counts-{key}.bin"


def open_word_counts(build_here: bool = False) -> WordCounts:
    """The table, built first when this machine has none yet: in a child process, or here for a process that
    is itself a throw-away child (the catalogue's readings), saving a process start."""
    path = table_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if not build_here:
                subprocess.run([sys.executable, "-m", "services.guide.word_counts", str(path)],
                               check=True, timeout=600, capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("writing the search word counts in a child process failed, written here instead: %s", exc)
            build_here = True
        if build_here:
            write_table(*read_dictionary(jieba_dictionary()), path)
        log.info("search word counts written to %s", path)
    return WordCounts(path)


if __name__ == "__main__":
    write_table(*read_dictionary(jieba_dictionary()), Path(sys.argv[1]))
