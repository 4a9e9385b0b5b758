"""Pinyin to candidates: whole phrases, initials, mixed, and pieces to build a phrase pick by pick.

Ranking, in this order:

1. Words spelling the whole input, by how closely: every syllable spelled out (``tingshui`` 停水) before
   initials (``zm`` 怎么; z stands for zh too, so ``zg`` is 中国) before other unfinished syllables
   (``tingshu`` -> 停水); then by jieba's frequency. Every reading of the input counts, and the best
   word of each reading in whole syllables is kept among the first three: ``xian`` offers 先, and 西安
   third, although 县 现 线 显... are all more frequent.
   When no word spells it all, the likeliest run of words does, first (``feichangmanyi`` 非常满意).
2. Words for the first syllables of the best reading, longer first (a few per length), and always the
   characters of the first syllable: after a pick the rest of the input stays for the next pick.
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.devices.ime.lexicon import Lexicon
from services.devices.ime.syllables import INITIALS, SYLLABLES, canonical, normalize, readings

__all__ = ["Candidate", "InputMethod"]

PAGE = 8  # places kept for the first syllable's characters, a page's worth
PER_PREFIX = 4  # words offered for each shorter stretch of the input
LEADER_SLOT = 2  # where the best word of another complete reading goes, at the latest
SENTENCE_TOKENS = 16  # longer input gets no sentence: piece by piece is quicker than a wrong guess
MAX_WORD_SYLLABLES = 8  # services.devices.ime.lexicon keeps no longer words
WORD_COST = math.log(60_000_000)  # about jieba's total count: each word of a sentence is a probability


@dataclass(frozen=True, slots=True)
class Candidate:
    """``text`` to insert; ``consumed_letters``: the start of the normalized input it spells
    (``ting`` of ``tingshui`` for 停); what follows stays for the next pick."""

    text: str
    consumed_letters: str

    def rest(self, letters: str) -> str:
        """The input left after picking this candidate."""
        return normalize(letters)[len(self.consumed_letters) :].lstrip("'")


class InputMethod:
    def __init__(self, lexicon: Lexicon):
        self._lexicon = lexicon

    @classmethod
    def load(cls, cache_dir: Path, dictionary: Path | None = None) -> InputMethod:
        """Open the dictionary file in ``cache_dir``, building it first when missing or stale (~10 s)."""
        return cls(Lexicon.open_or_build(cache_dir, dictionary))

    def close(self) -> None:
        self._lexicon.close()

    @property
    def mapped_bytes(self) -> int:
        """Size of the memory-mapped dictionary (shared, file-backed: pages in only where looked up)."""
        return len(self._lexicon.blob)

    def candidates(self, letters: str, limit: int = 48) -> list[Candidate]:
        """Best first; [] for input with no reading."""
        letters = normalize(letters)
        parses = readings(letters)
        if not parses or limit <= 0:
            return []
        picked: dict[str, Candidate] = {}

        def take(ranked, count: int, consumed: str) -> None:
            for _, text in ranked:
                if len(picked) >= limit or count <= 0:
                    return
                if text not in picked:
                    picked[text] = Candidate(text, consumed)
                    count -= 1

        best = parses[0]
        reserve = min(PAGE, limit // 2) if len(best) > 1 else 0
        whole, leaders = [], []
        for tokens in parses:
            ranked = self._ranked(tokens, True, limit)
            whole.extend(ranked)
            if ranked and all(t in SYLLABLES for t in tokens):
                leaders.append(ranked[0])
        whole.sort()
        # Another reading of the same letters (xi'an beside xian) shows its best word near the top,
        # however frequent the characters of the first reading are.
        for leader in leaders:
            if whole.index(leader) > LEADER_SLOT:
                whole.remove(leader)
                whole.insert(LEADER_SLOT, leader)
        if not whole:
            sentence = self._sentence(best)
            if sentence:
                take([(None, sentence)], 1, letters)
        take(whole, limit - reserve, letters)
        for size in range(len(best) - 1, 0, -1):
            count = limit if size == 1 else PER_PREFIX
            if size > 1:
                count = min(count, limit - reserve - len(picked))
            take(self._ranked(best[:size], False, limit), count, _spelled(letters, best[:size]))
        return list(picked.values())

    def _sentence(self, tokens: tuple[str, ...]) -> str | None:
        """The likeliest run of words spelling all of ``tokens`` (most probable by jieba's counts, each
        word a cost), for input that no single word spells: feichangmanyi -> 非常满意."""
        if len(tokens) < 2 or len(tokens) > SENTENCE_TOKENS or sum(t not in SYLLABLES for t in tokens) > 1:
            return None  # a run of initials is an abbreviation, not a sentence
        best: list[tuple[float, str] | None] = [(0.0, "")] + [None] * len(tokens)
        for end in range(1, len(tokens) + 1):
            for start in range(max(0, end - MAX_WORD_SYLLABLES), end):
                before = best[start]
                found = self._ranked(tokens[start:end], end == len(tokens), 1) if before else None
                if found:
                    (closeness, minus_frequency), word = found[0]
                    score = before[0] + math.log(-minus_frequency) - WORD_COST - closeness * WORD_COST
                    if best[end] is None or score > best[end][0]:
                        best[end] = (score, before[1] + word)
        return best[-1][1] if best[-1] else None

    def _ranked(self, tokens: tuple[str, ...], to_end: bool, limit: int) -> list[tuple[tuple[int, int], str]]:
        """((closeness, -frequency), word) of the ``limit`` best words reading as ``tokens``."""
        span = self._lexicon.span("".join(t[0] for t in tokens))
        if span is None:
            return []
        found = []
        # Records come most frequent first: once ``limit`` words are as close as these tokens can be
        # read, no later record can make the cut.
        floor, closest = _best_closeness(tokens, to_end), 0
        for match in _pattern(tokens, to_end).finditer(self._lexicon.blob, *span):
            syllables, word, frequency = match.groups()
            closeness = _closeness(tokens, syllables.decode().split("'"))
            found.append(((closeness, -int(frequency)), word.decode()))
            if closeness == floor:
                closest += 1
                if closest >= limit:
                    break
        return heapq.nsmallest(limit, found)


def _spelled(letters: str, tokens: tuple[str, ...]) -> str:
    """The stretch of ``letters`` that ``tokens`` (the first tokens of a reading) cover."""
    at = 0
    for token in tokens:
        while letters[at] == "'":
            at += 1
        at += len(token)
    return letters[:at]


def _closeness(tokens: tuple[str, ...], syllables: list[str]) -> int:
    """0: every syllable spelled out; 1: some given by an initial; 2: some only begun."""
    worst = 0
    for token, syllable in zip(tokens, syllables, strict=False):
        if canonical(token) != syllable:
            worst = max(worst, 1 if len(token) == 1 or token in INITIALS else 2)
    return worst


def _best_closeness(tokens: tuple[str, ...], to_end: bool) -> int:
    """The closest any word can read as ``tokens`` (see ``_closeness``)."""
    if all(token in SYLLABLES for token in tokens):
        return 0
    return 1 if all(token in SYLLABLES or len(token) == 1 or token in INITIALS for token in tokens) else 2


@lru_cache(maxsize=512)
def _pattern(tokens: tuple[str, ...], to_end: bool) -> re.Pattern[bytes]:
    """A record whose syllables read as ``tokens``: a whole syllable exactly (but a one-letter one,
    a/e/o, also as an initial), an initial as any syllable it begins; the last token as any
    syllable it begins when it ends the input."""
    parts = []
    for i, token in enumerate(tokens):
        last = to_end and i == len(tokens) - 1
        if token in SYLLABLES and len(token) > 1 and not last:
            parts.append(canonical(token))
        else:
            parts.append(canonical(token) + "[a-z]*")
    return re.compile(("\n(" + "'".join(parts) + ") ([^ \n]+) ([0-9]+)").encode())
