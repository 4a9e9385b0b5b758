"""Relevance of services to a query said in a visitor's own words: BM25F over terms, with a confidence.

Each service is a document of fields, each with a weight (name > aliases > keywords > category > the guide's
own text: conditions, materials, steps, notes), in both languages. BM25F (Robertson & Zaragoza): a term's
frequency in each field is length-normalised per field, weighted and summed before BM25's saturation, so a
word in the name counts more than the same word three times in the steps, and a long guide does not win by
length. Everything is computed when the index is built; a query adds up a few precomputed postings.

Confidence: what share of the query's meaning (its terms weighted by how rare they are, inverse document
frequency) a service matches. A query whose rare words the catalogue does not have at all (驾照, visa) is not
answered with a service that matches only its common words (换证, 登记): the kiosk says "not here" instead.
The thresholds are calibrated on bench/data/search_queries.tsv (bench/bench_search_quality.py).

Why an index of our own: the catalogue is a few hundred services (5,000 in the benchmark) and changes a
few times a day; it fits in memory many times over, builds on the worker thread (about a second for the
sample catalogue, a few seconds for 5,000 services), and a query adds up a few postings in well under a
millisecond, without a database round trip. SQLite FTS5 has no Chinese tokenizer of its own
(it would need jieba anyway, through a C extension or pre-segmented text), and tantivy or whoosh would add a
dependency and a second copy of the catalogue for no gain at this size.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from common.catalogue import Service
from common.thesaurus import Thesaurus
from services.guide.terms import Segmenter

# Field weights: what a service is called counts most, then how people say it, then its keywords.
NAME, ALIASES, KEYWORDS, CATEGORY, GUIDE = 3.0, 2.5, 2.0, 1.0, 0.3
K1 = 1.2
B = 0.5  # fields are short: length matters, but less than in prose
SYNONYM_WEIGHT = 0.7  # a synonym found counts a little less than the visitor's own word
SINGLE_CHARACTER = 0.5
# A word the catalogue lacks weighs as the rarest known term times a factor set by how rare the word is in
# everyday Chinese (jieba's corpus, -log of its frequency): 这里, 父亲 (common, 7.6-8.7) little, 驾驶证, 宠物,
# 燃气 (rare, 12-14) more than the rarest known term: the visitor names what the centre does not offer.
COMMON_RARITY, RARITY_SPAN = 7.5, 3.0
UNKNOWN_FACTOR = (0.15, 1.5)
# Calibrated on the evaluation set: a service is shown when it covers this share of the query's weight…
MIN_COVERAGE = 0.5
# …a share of it in what the service is called (name, aliases, keywords, category), not only in its guide…
MIN_TITLE_COVERAGE = 0.35
# …and its score reaches this (one rare word found only in a guide's text is not enough).
MIN_SCORE = 1.2
# A latin word this long that is spelt like nothing in the catalogue names a subject it lacks ("driving").
MIN_LATIN_SUBJECT = 4


@dataclass(frozen=True, slots=True)
class Relevant:
    position: int
    score: float  # BM25F, times coverage squared: the ranking
    coverage: float  # 0..1


class RelevanceIndex:
    """BM25F postings over one catalogue's services, in the order of ``services``."""

    def __init__(
        self,
        services: Sequence[Service],
        segmenter: Segmenter,
        thesaurus: Thesaurus,
        near_spelling: Callable[[str], bool] = lambda word: True,
    ):
        """``near_spelling(word)``: whether a latin word the terms lack is spelt like a catalogue word or its
        pinyin (then it is a typo, searched by the fuzzy stage; else a subject the catalogue lacks)."""
        self._segmenter = segmenter
        self._near_spelling = near_spelling
        # Guides repeat themselves (居民身份证 in most materials lists): each distinct text is segmented once.
        segmented: dict[str, list[str]] = {}

        def terms(text: str) -> list[str]:
            found = segmented.get(text)
            if found is None:
                found = segmented[text] = segmenter.index_terms(text)
            return found

        documents = [_fields(service, terms) for service in services]
        field_count = len(documents[0]) if documents else 0
        average = [
            max(1.0, sum(len(doc[f][1]) for doc in documents) / max(1, len(documents))) for f in range(field_count)
        ]
        frequency: Counter[str] = Counter()
        pseudo: list[dict[str, float]] = []
        for doc in documents:
            tf: dict[str, float] = {}
            for f, (weight, terms) in enumerate(doc):
                norm = 1 - B + B * len(terms) / average[f]
                for term, count in Counter(terms).items():
                    tf[term] = tf.get(term, 0.0) + weight * count / norm
            pseudo.append(tf)
            frequency.update(tf.keys())
        n = max(1, len(documents))
        self._idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
        self._max_idf = math.log(1 + (n + 0.5) / 0.5)
        self._titles: dict[str, set[int]] = {}
        for position, doc in enumerate(documents):
            for weight, terms in doc:
                if weight >= CATEGORY:
                    for term in terms:
                        self._titles.setdefault(term, set()).add(position)
        self._postings: dict[str, dict[int, float]] = {}
        for position, tf in enumerate(pseudo):
            for term, value in tf.items():
                self._postings.setdefault(term, {})[position] = self._idf[term] * value * (K1 + 1) / (K1 + value)

        # Each thesaurus word as the index has it, worked out once: a query only looks them up.
        self._thesaurus = thesaurus
        self._thesaurus_terms = {word: self._indexed(word) for words in thesaurus.values() for word in words}

    def search(self, query: str) -> tuple[list[Relevant], bool]:
        """Services that answer the query with confidence, best first (ties keep the services' order), and
        whether the query names something the catalogue knows nothing of (驾照, 宠物, visa)."""
        groups = self._groups(query)
        total = sum(weight for _, weight, _ in groups)
        # A latin word is unknown only when it is no typo of a catalogue word either (pensoin is one of pension).
        unknown = any(not expansions and self._unknown(word) for word, _, expansions in groups)
        if not total:
            return [], unknown
        # The most specific thing the visitor names (the heaviest word) is one the catalogue has nothing of:
        # 驾驶证到期换证 is about a driving licence, whatever 换证 matches. Not here.
        heaviest_word, _, heaviest_expansions = max(groups, key=lambda group: group[1])
        if not heaviest_expansions and len(heaviest_word) >= 2 and self._unknown(heaviest_word):
            return [], True
        scores: dict[int, float] = {}
        covered: dict[int, float] = {}
        titled: dict[int, float] = {}  # coverage by the name, aliases, keywords and category alone
        for _, weight, expansions in groups:
            best: dict[int, float] = {}
            for term, factor in expansions:
                for position, value in self._postings.get(term, {}).items():
                    if value * factor > best.get(position, 0.0):
                        best[position] = value * factor
            in_titles = set().union(*(self._titles.get(term, ()) for term, _ in expansions))
            for position, value in best.items():
                scores[position] = scores.get(position, 0.0) + value
                covered[position] = covered.get(position, 0.0) + weight
                if position in in_titles:
                    titled[position] = titled.get(position, 0.0) + weight
        found = []
        for position, score in scores.items():
            coverage = covered[position] / total
            if (
                coverage >= MIN_COVERAGE
                and titled.get(position, 0.0) / total >= MIN_TITLE_COVERAGE
                and score >= MIN_SCORE
            ):
                found.append(Relevant(position, score * coverage * coverage, coverage))
        found.sort(key=lambda r: (-r.score, r.position))
        return found, unknown

    def _groups(self, query: str) -> list[tuple[str, float, list[tuple[str, float]]]]:
        """(word, weight, [(term, factor)…]) per meaningful word of the query: the word, or its synonyms, or the
        known words inside it; a word the catalogue has nothing of weighs as the rarest term."""
        groups: list[tuple[str, float, list[tuple[str, float]]]] = []
        for word in self._segmenter.query_terms(query):
            expansions = [(word, 1.0)] if word in self._postings else []
            expansions += [(t, SYNONYM_WEIGHT) for s in self._thesaurus.get(word, ()) for t in self._thesaurus_terms[s]]
            # One character (领, 开, 证) says less than a word: it counts half towards the coverage.
            share = SINGLE_CHARACTER if len(word) == 1 and not word.isascii() else 1.0
            if expansions:
                groups.append((word, share * max(self._idf[t] for t, _ in expansions), expansions))
                continue
            # A latin word is not cut: its letters are no words (pensoin is a typo, not "pens" + "oin").
            inside = [] if word.isascii() else self._segmenter.split_known(word, self._postings)
            if any(len(w) >= 2 and w in self._postings for w in inside):  # 宠物医院: 医院 is known, 宠物 not
                groups.extend(
                    (w, self._idf[w] * (SINGLE_CHARACTER if len(w) == 1 else 1.0), [(w, 1.0)])
                    if w in self._postings
                    else (w, self._unknown_weight(w), [])
                    for w in inside
                )
            else:
                groups.append((word, self._unknown_weight(word), []))  # 驾照, visa, 咔: nothing here is about it
        return groups


    def _indexed(self, word: str) -> list[str]:
        """A thesaurus word as the index has it: itself, or when the catalogue's text only holds it inside
        longer words (个体工商户 in 个体工商户设立登记), the indexed words it is made of (个体, 工商户)."""
        if word in self._postings or word.isascii():
            return [word] if word in self._postings else []
        pieces = dict.fromkeys(self._segmenter.index_terms(word))
        return [term for term in pieces if term != word and len(term) >= 2 and term in self._postings]

    def _unknown(self, word: str) -> bool:
        return not word.isascii() or (len(word) >= MIN_LATIN_SUBJECT and not self._near_spelling(word))

    def _unknown_weight(self, word: str) -> float:
        """A word the catalogue has nothing of, weighed by how rare it is in everyday Chinese; one jieba does
        not know either (a typo, a latin word) weighs as the rarest known term."""
        rarity = self._segmenter.rarity(word)
        if rarity is None:
            return self._max_idf
        low, high = UNKNOWN_FACTOR
        factor = min(high, max(low, (rarity - COMMON_RARITY) / RARITY_SPAN))
        return self._max_idf * factor * (SINGLE_CHARACTER if len(word) == 1 else 1.0)


def _fields(service: Service, terms: Callable[[str], list[str]]) -> list[tuple[float, list[str]]]:
    guide = [service.conditions.zh, service.conditions.en]
    for material in service.materials:
        guide += [material.name.zh, material.name.en]
    for step in service.steps:
        guide += [step.title.zh, step.title.en, step.detail.zh, step.detail.en]
    if service.notes is not None:
        guide += [service.notes.zh, service.notes.en]
    return [
        (NAME, terms(service.name.zh) + terms(service.name.en)),
        (ALIASES, [t for alias in service.aliases for t in terms(alias)]),
        (KEYWORDS, [t for keyword in service.keywords for t in terms(keyword)]),
        (CATEGORY, terms(service.category.zh) + terms(service.category.en)),
        (GUIDE, [t for text in guide for t in terms(text)]),
    ]
