"""Pinyin to candidates: whole phrases, sentences, initials, mixed, and pieces to build a phrase pick by pick.

Ranking, in this order:

1. A sentence typed in one go: the likeliest run of words spelling the whole input (``tingshuile``
   停水了), found over the whole word lattice with each word's probability (a unigram model, as Rime's),
   first when it is likelier than any single word spelling it all.
2. Words spelling the whole input, by how closely: every syllable spelled out (``tingshui`` 停水) before
   initials (``zm`` 怎么; z stands for zh too, so ``zg`` is 中国) before other unfinished syllables
   (``tingshu`` -> 停水); then by frequency. Every reading of the input counts, and the best
   word of each reading in whole syllables is kept among the first three: ``xian`` offers 先, and 西安
   third, although 县 现 线 显... are all more frequent.
3. Words for the first syllables of the best reading, longer first (a few per length), and always the
   characters of the first syllable: after a pick the rest of the input stays for the next pick.

Frequencies are jieba's, except for the kiosk's own words (``vocabulary``: the lobby's and the
catalogue's), which count at least ``DOMAIN_FLOOR`` and ``DOMAIN_BOOST`` times their own, and for what
this visitor picked (``learn``), which comes first for the same letters until ``forget``: the kiosk
forgets with the visitor's draft, so nobody is offered what the previous visitor typed.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.devices.ime.lexicon import Lexicon
from services.devices.ime.syllables import INITIALS, SYLLABLES, canonical, normalize, readings
from services.devices.ime.vocabulary import spell

__all__ = ["Candidate", "InputMethod"]

PAGE = 8  # places kept for the first syllable's characters, a page's worth
PER_PREFIX = 4  # words offered for each shorter stretch of the input
LEADER_SLOT = 2  # where the best word of another complete reading goes, at the latest...
LEADER_FREQUENCY = 500  # ...when it is a word people use (西安 2,576; not 堤岸 105 for dian)
SENTENCE_TOKENS = 32  # longer input gets no sentence: piece by piece is quicker than a wrong guess
MAX_WORD_SYLLABLES = 8  # services.devices.ime.lexicon keeps no longer words (the vocabulary may)
WORD_COST = math.log(60_000_000)  # about jieba's total count: each word of a sentence is a probability
DOMAIN_BOOST = 20  # the kiosk's own words count this many times their frequency...
DOMAIN_FLOOR = 20_000  # ...and at least this much (怎么 is 27,339, 空调 614, 停水 12)
DOMAIN_CHARACTER_BOOST = 10  # a character of the kiosk's words, typed alone
LEARNT = 10**9  # a word this visitor picked: first for the same letters
SINGLE_COST = math.log(10)  # a character as a word of a sentence: jieba counts 之 的 了 alone far more than people type them
SENTENCES = 3  # sentences kept per position of the lattice...
SENTENCES_OFFERED = 2  # ...and offered
WORDS_PER_STRETCH = 3  # words of the lattice per stretch of syllables
EDGE_CACHE = 8192  # lattice edges remembered between keystrokes (each keystroke re-reads the same spans)


@dataclass(frozen=True, slots=True)
class Candidate:
    """``text`` to insert; ``consumed_letters``: the start of the normalized input it spells
    (``ting`` of ``tingshui`` for 停); what follows stays for the next pick."""

    text: str
    consumed_letters: str

    def rest(self, letters: str) -> str:
        """The input left after picking this candidate."""
        return normalize(letters)[len(self.consumed_letters) :].lstrip("'")


class _Words:
    """Words kept in memory beside the dictionary file, in its record format by bucket, so that the same
    patterns find them: the kiosk's vocabulary, and what this visitor picked."""

    def __init__(self) -> None:
        self._words: dict[str, dict[str, tuple[str, int]]] = {}  # bucket -> word -> (syllables, frequency)
        self._blobs: dict[str, bytes] = {}
        self.longest = 0  # syllables

    def add(self, syllables: list[str], word: str, frequency: int) -> None:
        bucket = "".join(s[0] for s in syllables)
        words = self._words.setdefault(bucket, {})
        words[word] = ("'".join(syllables), max(frequency, words.get(word, ("", 0))[1]))
        self._blobs.pop(bucket, None)
        self.longest = max(self.longest, len(syllables))

    def clear(self) -> None:
        self._words.clear()
        self._blobs.clear()
        self.longest = 0

    def __len__(self) -> int:
        return sum(map(len, self._words.values()))

    def blob(self, bucket: str) -> bytes | None:
        if bucket not in self._words:
            return None
        if bucket not in self._blobs:
            ranked = sorted(self._words[bucket].items(), key=lambda item: -item[1][1])
            self._blobs[bucket] = b"".join(f"\n{syllables} {word} {frequency}".encode() for word, (syllables, frequency) in ranked)
        return self._blobs[bucket]


class InputMethod:
    def __init__(self, lexicon: Lexicon, vocabulary: list[str] | tuple[str, ...] = ()):
        self._lexicon = lexicon
        self._vocabulary, self._learnt = _Words(), _Words()
        self._characters: frozenset[str] = frozenset()
        self._edges: dict[tuple[tuple[str, ...], bool], list] = {}
        self.set_vocabulary(vocabulary)

    @classmethod
    def load(cls, cache_dir: Path, dictionary: Path | None = None, vocabulary: list[str] | tuple[str, ...] = ()) -> InputMethod:
        """Open the dictionary file in ``cache_dir``, building it first when missing or stale (~20 s)."""
        return cls(Lexicon.open_or_build(cache_dir, dictionary), vocabulary)

    def set_vocabulary(self, words: list[str] | tuple[str, ...]) -> None:
        """The kiosk's own words (Chinese), ranked above the dictionary's; replaces the previous ones.
        Words with a character the dictionary cannot read are left out. Safe on a worker thread while
        the UI thread looks up candidates: the new words replace the old ones at once when read (~0.2 s)."""
        vocabulary = _Words()
        for word in words:
            spelled = spell(self._lexicon, word)
            if spelled is not None:
                syllables, frequency = spelled
                vocabulary.add(syllables, word, max(frequency * DOMAIN_BOOST, DOMAIN_FLOOR))
        self._vocabulary, self._characters = vocabulary, frozenset("".join(words))
        self._edges.clear()

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocabulary)

    def learn(self, text: str) -> None:
        """This visitor picked ``text``: offer it first for the same letters until ``forget``."""
        spelled = spell(self._lexicon, text)
        if spelled is not None:
            self._learnt.add(spelled[0], text, LEARNT)
            self._edges.clear()

    def forget(self) -> None:
        """Drop everything learnt from the visitor (the keyboard's reset, the idle timeout's wipe)."""
        self._learnt.clear()
        self._edges.clear()

    @property
    def learnt(self) -> int:
        """How many picks are remembered (0 after ``forget``)."""
        return len(self._learnt)

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
            if ranked and all(t in SYLLABLES for t in tokens) and -ranked[0][0][1] >= LEADER_FREQUENCY:
                leaders.append(ranked[0])
        whole.sort()
        # Another reading of the same letters (xi'an beside xian) shows its best word near the top,
        # however frequent the characters of the first reading are.
        for leader in leaders:
            if whole.index(leader) > LEADER_SLOT:
                whole.remove(leader)
                whole.insert(LEADER_SLOT, leader)
        # The likeliest sentence first when it is likelier than any one word, and the next one, in case a
        # homophone took the first place (空调不知冷 before 空调不制冷).
        sentences = self._sentences(best)
        if sentences and (not whole or sentences[0][0] > _score(*whole[0][0])):
            take(sentences, SENTENCES_OFFERED, letters)
        take(whole, limit - reserve - len(picked), letters)
        for size in range(len(best) - 1, 0, -1):
            count = limit if size == 1 else PER_PREFIX
            if size > 1:
                count = min(count, limit - reserve - len(picked))
            take(self._ranked(best[:size], False, limit), count, _spelled(letters, best[:size]))
        return list(picked.values())

    def _sentences(self, tokens: tuple[str, ...]) -> list[tuple[float, str]]:
        """(log probability, text) of the likeliest runs of two or more words spelling all of ``tokens``,
        best first, over the whole word lattice (each word's probability from its frequency, a few words
        per stretch of syllables): tingshuile -> 停水了."""
        if len(tokens) < 2 or len(tokens) > SENTENCE_TOKENS or sum(t not in SYLLABLES for t in tokens) > 1:
            return []  # a run of initials is an abbreviation, not a sentence
        longest = max(MAX_WORD_SYLLABLES, self._vocabulary.longest, self._learnt.longest)
        # paths[i]: the SENTENCES likeliest (score, text, words) spelling tokens[:i]
        paths: list[list[tuple[float, str, int]]] = [[(0.0, "", 0)]] + [[] for _ in tokens]
        for end in range(1, len(tokens) + 1):
            options = []
            for start in range(max(0, end - longest), end):
                if not paths[start]:
                    continue
                for (closeness, minus_frequency), word in self._edges_for(tokens[start:end], end == len(tokens)):
                    cost = _score(closeness, minus_frequency) - (SINGLE_COST if len(word) == 1 else 0)
                    options += [(score + cost, text + word, words + 1) for score, text, words in paths[start]]
            paths[end] = heapq.nlargest(SENTENCES, options)
        return [(score, text) for score, text, words in paths[-1] if words > 1]

    def _edges_for(self, tokens: tuple[str, ...], to_end: bool) -> list[tuple[tuple[int, int], str]]:
        """The best words reading as ``tokens``, remembered: typing one more letter asks again for
        every stretch but the last ones."""
        key = (tokens, to_end)
        if key not in self._edges:
            if len(self._edges) >= EDGE_CACHE:
                self._edges.clear()
            self._edges[key] = self._ranked(tokens, to_end, WORDS_PER_STRETCH, alone=False)
        return self._edges[key]

    def _ranked(
        self, tokens: tuple[str, ...], to_end: bool, limit: int, alone: bool = True
    ) -> list[tuple[tuple[int, int], str]]:
        """((closeness, -frequency), word) of the ``limit`` best words reading as ``tokens``: the
        dictionary's, the vocabulary's and the learnt, each word at its best. ``alone``: a character as a
        pick of its own, which counts more when it is one of the kiosk's words' (灯 of 灯不亮), else as a
        word of a sentence."""
        bucket = "".join(t[0] for t in tokens)
        span = self._lexicon.span(bucket)
        extras = [blob for blob in (self._vocabulary.blob(bucket), self._learnt.blob(bucket)) if blob is not None]
        if span is None and not extras:
            return []  # most stretches of a long input: no word has these initials, no pattern to compile
        pattern = _pattern(tokens, to_end)
        found: dict[str, tuple[int, int]] = {}

        def read(matches: Iterator[re.Match[bytes]]) -> Iterator[tuple[int, int]]:
            for match in matches:
                syllables, word, frequency = match.groups()
                text = word.decode()
                boost = DOMAIN_CHARACTER_BOOST if alone and text in self._characters else 1
                key = (_closeness(tokens, syllables.decode().split("'")), -int(frequency) * boost)
                if text not in found or key < found[text]:
                    found[text] = key
                yield key

        if span is not None:
            # Records come most frequent first: once ``limit`` words are as close as these tokens can
            # be read, no later record can make the cut.
            floor, closest = _best_closeness(tokens, to_end), 0
            for closeness, _ in read(pattern.finditer(self._lexicon.blob, *span)):
                if closeness == floor:
                    closest += 1
                    if closest >= limit:
                        break
        for blob in extras:
            for _ in read(pattern.finditer(blob)):
                pass
        return heapq.nsmallest(limit, ((key, text) for text, key in found.items()))


def _score(closeness: int, minus_frequency: int) -> float:
    """A word's log probability, less for each step it is read less closely."""
    return math.log(max(1, -minus_frequency)) - WORD_COST - closeness * WORD_COST


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


@lru_cache(maxsize=4096)  # a long input compiles a pattern per stretch of it
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
