"""Search over the service catalogue: Chinese, pinyin, initials, English, synonyms and typos.

A ``SearchIndex`` is built once from a ``Catalogue`` and never changes; build a new one when
the catalogue changes. All the expensive work (pypinyin conversion, lower-casing, the big
concatenated haystacks, the fuzzy vocabularies) happens at build time, so a keystroke costs
a handful of regex scans over a few big strings.

Design, per kind of field (Chinese names, keywords, pinyin, English names):

* every item's strings are joined into one big string, records separated by ``"\\x00"``,
  with a sorted list of record start offsets; one compiled ``re`` runs over the big string
  with ``finditer`` and ``bisect`` maps each match back to its record and item;
* pinyin records (``lazy_pinyin``, phrase-aware: 银行 -> yin hang) mark each syllable start
  with a capital: 社保卡 -> ``"SheBaoKa"``. A letter query becomes
  ``S(?:b|[a-z0-9]*+B)(?:k|[a-z0-9]*+K)``: each letter after the first either continues the
  current syllable or starts the next one, so full pinyin (``shebaoka``), initials (``sbk``)
  and mixed prefixes (``shebk``, ``sheb ka``) match in one pass; a Chinese character in the
  query becomes its syllable(s), ``(?:She)(?![a-z0-9])``, so ``社bao卡`` and ``社保k`` work
  too. (Capitals rather than "|she|bao|ka|" separators give the regex a rare one-character
  literal prefix, which makes the scan about twice as fast.) Matches at the start of a name
  or keyword are searched in smaller per-initial haystacks, anchored on ``"\\x00"``, and a
  one-letter query reads a ranking computed at build time. Common polyphones (重, 行, 长...)
  also get a record with their other reading, since people type 重置 as "chongzhi";
* items are pre-sorted by popularity (then code), so an item's position is its tie-breaker
  and ranking is "best tier, then position";
* stages run from the most to the least relevant tier and stop once ``limit`` items are
  found, because a lower tier can never overtake them; rapidfuzz runs only when the exact
  stages found few items, against small length-bucketed vocabularies (pinyin words of 2-4
  syllables, whole names and keywords, English words), never over whole catalogues.

``search`` never raises on a string query: bad input gives ``[]`` or a best effort.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from common.catalogue import Catalogue
from common.thesaurus import Thesaurus, bundled_thesaurus
from services.guide.readings import PhraseReadings, character_readings
from services.guide.relevance import RelevanceIndex
from services.guide.terms import Segmenter

__all__ = ["SearchHit", "SearchIndex"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: the service code, its relevance score (higher is better) and what matched.

    ``field`` is one of "name", "keyword", "initials", "pinyin", "english", "department",
    "category", "fuzzy", "alias" (how visitors say it), or "words" (the query's meaningful words, scored by relevance: a sentence).
    """

    code: str
    score: float
    field: str


# Relevance tiers (higher is better). Ties are broken by popularity, then code.
NAME_EXACT = 100.0
NAME_PREFIX = 95.0
NAME_SUBSTRING = 90.0
# A whole keyword or alias typed exactly (营业执照, 结婚证) names what the visitor wants more surely than the
# start of a longer name (营业执照变更登记, 补领结婚证…): above NAME_PREFIX.
KEYWORD_EXACT = 96.0
KEYWORD_PREFIX = 80.0
KEYWORD_SUBSTRING = 75.0
PINYIN_WHOLE = 72.0  # the query spells every syllable of a name or keyword
PINYIN_START = 70.0  # ...the first syllables of a name or keyword
PINYIN_INSIDE = 60.0  # ...consecutive syllables inside one
PINYIN_INSIDE_WEAK = 47.0  # ...when the query reads as English words ("rent" is also "...人t...")
ENGLISH_START = 56.0  # the English name starts with the query (at a word start)
ENGLISH_PHRASE = 52.0  # the query is a phrase inside the English name, at a word start
ENGLISH_WORDS = 48.0  # every query word starts a word of the English name, any order
WORDS_BASE = 38.0  # a question in the visitor's own words: 38 + up to 8.9 by relevance, below every literal tier
WORDS_SPAN = 8.9
WORDS_HALF = 6.0  # the relevance at which a sentence's score is half-way up its band
CORE_BONUS = 3.0  # the query without its filler (请问在哪里领失业金 -> 领失业金) is a name or keyword: x1-3
DEPARTMENT = 30.0
CATEGORY = 28.0
HOMOPHONE = 20.0  # a Chinese query that only matches by sound (同音字): 社保咔 -> 社保卡
# From here up the whole query is in a name, keyword, alias or group, spells one or sounds like one.
LITERAL_MIN = HOMOPHONE
FUZZY_MAX = 10.0  # fuzzy scores are ratio / 10, so at most 10

MAX_QUERY_CHARS = 64  # longer queries are cut: no service name is that long
MAX_PINYIN_TOKENS = 48
FEW_RESULTS = 3  # fewer exact hits than this and the fuzzy fallback runs
FUZZY_MIN_CHARS = 4  # ascii queries shorter than this are never fuzzy-matched
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio (0-100) for latin text
FUZZY_CUTOFF_CJK = 66.0  # one wrong character in three
FUZZY_LENGTH_SLACK = 2

_ASCII_ALNUM = re.compile(r"[a-z0-9]+")
_SPACES = re.compile(r"\s+")
_SEP = "\x00"


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x3134F
        or o == 0x3007  # 〇
    )


def _normalize(text: str) -> str:
    """NFKC (full-width letters and spaces become ascii), lower case, no control chars, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return _SPACES.sub(" ", text).strip()


def _english_form(text: str) -> str:
    """Latin words only, single-spaced: 'Hong Kong/Macao permit' -> 'hong kong macao permit'."""
    return " ".join(_ASCII_ALNUM.findall(_normalize(text)))


# Common polyphonic characters of service names whose other reading people type, and which
# pypinyin's phrase choice sometimes misses (重置 comes out zhong zhi): each record gets a
# variant with the other reading. Only readings spelled differently matter.
_POLYPHONES: dict[str, tuple[str, ...]] = {
    "重": ("zhong", "chong"), "行": ("xing", "hang"), "长": ("chang", "zhang"), "还": ("huan", "hai"),
    "调": ("diao", "tiao"), "藏": ("cang", "zang"), "参": ("can", "shen"), "单": ("dan", "shan"),
    "朝": ("chao", "zhao"), "传": ("chuan", "zhuan"), "降": ("jiang", "xiang"), "系": ("xi", "ji"),
    "解": ("jie", "xie"), "乐": ("le", "yue"), "率": ("lv", "shuai"), "省": ("sheng", "xing"),
    "属": ("shu", "zhu"), "差": ("cha", "chai"), "强": ("qiang", "jiang"), "会": ("hui", "kuai"),
    "校": ("xiao", "jiao"), "曾": ("zeng", "ceng"), "都": ("du", "dou"), "便": ("bian", "pian"),
}
MAX_VARIANTS = 4


def _syllables(text: str, readings: PhraseReadings) -> list[str]:
    """Pinyin tokens of a normalized string: 银行ICP证 -> ['yin', 'hang', 'icp', 'zheng']."""
    return _syllable_variants(text, readings)[0]


def _syllable_variants(text: str, readings: PhraseReadings) -> list[list[str]]:
    """The phrase-aware reading of ``text`` first (银行 -> yin hang, 重庆 -> chong qing), then a
    few variants using the other reading of a common polyphone (重置 -> zhong zhi, chong zhi)."""
    tokens: list[str] = []
    sources: list[str | None] = []  # the Chinese character each token was read from
    index = 0
    for chunk in readings[text]:
        if text.startswith(chunk, index):  # not Chinese: kept as it is
            index += len(chunk)
            source = None
        else:
            source = text[index] if index < len(text) else None
            index += 1
        for token in _ASCII_ALNUM.findall(chunk.lower()):
            tokens.append(token)
            sources.append(source)
    variants = [tokens]
    for i, source in enumerate(sources):
        for reading in _POLYPHONES.get(source or "", ()):
            if reading != tokens[i] and len(variants) <= MAX_VARIANTS:
                variants.append(tokens[:i] + [reading] + tokens[i + 1 :])
    return variants


def _encode_syllables(tokens: Iterable[str]) -> str:
    """Pinyin record: each syllable starts upper case, digit runs start with '#': 'SheBaoKa', 'Re#12345'.

    A syllable start is then one character, so a regex over the records has a rare one-letter
    literal prefix ('S') and re skips quickly over the rest (a '|' between syllables would be
    met every four characters).
    """
    return "".join(token[0].upper() + token[1:] if token[0].isalpha() else "#" + token for token in tokens)


def _syllable_start(letter: str) -> str:
    return letter.upper() if letter.isalpha() else "#" + letter


@lru_cache(maxsize=1024)
def _pinyin_regex(tokens: tuple[tuple[bool, str | tuple[str, ...]], ...], start_only: bool) -> re.Pattern[str]:
    """Regex over encoded records; tokens are (is_chinese, letter or readings).

    'sbk' -> S(?:b|[a-z0-9]*+B)(?:k|[a-z0-9]*+K): each letter after the first either continues
    the current syllable or, skipping the rest of it, starts the next one; '社' -> (?:She)(?![a-z0-9]).
    """
    parts = [r"\x00" if start_only else ""]
    previous_letter = False
    for is_chinese, value in tokens:
        if is_chinese:
            readings = "|".join(_syllable_start(r[0]) + r[1:] for r in value)  # type: ignore[union-attr]
            # finish the syllable the letters began, then exactly this syllable
            parts.append((r"[a-z0-9]*+" if previous_letter else "") + f"(?:{readings})(?![a-z0-9])")
            previous_letter = False
        else:
            start = _syllable_start(value)  # type: ignore[arg-type]
            parts.append(f"(?:{value}|[a-z0-9]*+{re.escape(start)})" if previous_letter else re.escape(start))
            previous_letter = True
    return re.compile("".join(parts))


_SPELLED_TO_END = re.compile(r"[a-z0-9]*\x00")  # only the rest of the last syllable is left


def _syllables_in(matched: str) -> int:
    return sum(1 for ch in matched if ch.isupper() or ch == "#")


@lru_cache(maxsize=1024)
def _literal_regex(text: str) -> re.Pattern[str]:
    # A pure literal: re's fast literal search, no look-behind (which would test every position).
    return re.compile(re.escape(text))


class _Haystack:
    """Records joined into one string: "\\x00rec0\\x00rec1\\x00...\\x00", each record owned by an item."""

    __slots__ = ("text", "starts", "ends", "owners")

    def __init__(self, records: Iterable[tuple[str, int]]):
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        owners: list[int] = []
        position = 1
        for text, owner in records:
            parts.append(text)
            starts.append(position)
            ends.append(position + len(text))
            owners.append(owner)
            position += len(text) + 1
        self.text = _SEP + _SEP.join(parts) + _SEP
        self.starts = starts
        self.ends = ends
        self.owners = owners


class _FuzzyVocabulary:
    """Strings bucketed by length, each owned by one or more items, for rapidfuzz ratio."""

    __slots__ = ("buckets",)

    def __init__(self, entries: Iterable[tuple[str, int]]):
        owners: dict[str, list[int]] = {}
        for text, owner in entries:
            if text:
                items = owners.setdefault(text, [])
                if not items or items[-1] != owner:
                    items.append(owner)
        buckets: dict[int, tuple[list[str], list[tuple[int, ...]]]] = {}
        for text, items in owners.items():
            strings, lists = buckets.setdefault(len(text), ([], []))
            strings.append(text)
            lists.append(tuple(sorted(set(items))))
        self.buckets = buckets

    def similar(self, query: str, cutoff: float) -> list[tuple[str, float, tuple[int, ...]]]:
        """(string, ratio, owners) for every string of about the query's length scoring >= cutoff."""
        found: list[tuple[str, float, tuple[int, ...]]] = []
        for length in range(len(query) - FUZZY_LENGTH_SLACK, len(query) + FUZZY_LENGTH_SLACK + 1):
            bucket = self.buckets.get(length)
            if not bucket:
                continue
            strings, owners = bucket
            for text, score, index in process.extract(
                query, strings, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None, processor=None
            ):
                found.append((text, score, owners[index]))
        return found


class _Group:
    """A department or a category: its forms, and the items (positions) that belong to it."""

    __slots__ = ("zh", "en", "syllables", "members")

    def __init__(self, zh: str, en: str, members: list[int], readings: PhraseReadings):
        self.zh = _normalize(zh)
        self.en = " " + _english_form(en)
        self.syllables = _encode_syllables(_syllables(self.zh, readings))
        self.members = members


class SearchIndex:
    """An immutable search index over one catalogue."""

    def __init__(self, catalogue: Catalogue, thesaurus: Thesaurus | None = None,
                 phrase_readings: PhraseReadings | None = None):
        """``thesaurus``: everyday words -> the catalogue's words; the bundled one when not given.
        ``phrase_readings``: the catalogue's texts read already (services.guide.readings); pypinyin reads the
        others, in this process."""
        thesaurus = bundled_thesaurus() if thesaurus is None else thesaurus
        readings = PhraseReadings() if phrase_readings is None else phrase_readings
        services = sorted(catalogue.services, key=lambda s: (-s.popularity, s.code))
        self._codes: tuple[str, ...] = tuple(s.code for s in services)
        syllable_cache: dict[str, list[list[str]]] = {}

        def syllables_of(text: str) -> list[list[str]]:
            found = syllable_cache.get(text)
            if found is None:
                found = syllable_cache[text] = [v for v in _syllable_variants(text, readings) if v]
            return found

        names: list[tuple[str, int]] = []
        keywords: list[tuple[str, int]] = []
        aliases: list[tuple[str, int]] = []
        english: list[tuple[str, int]] = []
        pinyin_by_initial: dict[str, list[tuple[str, int]]] = {}
        pinyin_inside: list[tuple[str, int]] = []
        fuzzy_latin: list[tuple[str, int]] = []
        fuzzy_cjk: list[tuple[str, int]] = []
        english_words: dict[str, set[int]] = {}

        for position, service in enumerate(services):
            name = _normalize(service.name.zh)
            names.append((name, position))
            zh_texts = [name]
            for alias in service.aliases:
                if alias.isascii():
                    # "get married" ranks as English names do, below pinyin: "ren" is 人才 before "renew…".
                    english.append((" " + _english_form(alias), position))
                else:
                    # Whole phrases (辞职了): matched as typed, not by their initials.
                    aliases.append((_normalize(alias), position))
            for keyword in service.keywords:
                keyword = _normalize(keyword)
                if keyword:
                    keywords.append((keyword, position))
                    zh_texts.append(keyword)
            en = _english_form(service.name.en)
            # " word word": a literal " " + query then only matches at word starts
            english.append((" " + en, position))
            for word in en.split():
                english_words.setdefault(word, set()).add(position)
            item_records: list[str] = []
            for text in zh_texts:
                if any(_is_cjk(ch) for ch in text):
                    variants = syllables_of(text)
                    for syllables in variants:
                        record = _encode_syllables(syllables)
                        pinyin_by_initial.setdefault(syllables[0][0], []).append((record, position))
                        item_records.append(record)
                    if variants:
                        fuzzy_latin.extend(_pinyin_words(variants[0], position))
                    compact = text.replace(" ", "")
                    fuzzy_cjk.append((compact, position))
                    fuzzy_cjk.extend(
                        (compact[i : i + n], position) for n in (2, 3, 4) for i in range(len(compact) - n + 1)
                    )
                else:  # a latin keyword: "SSC", "social security card"
                    for word in _english_form(text).split():
                        english_words.setdefault(word, set()).add(position)
                    fuzzy_latin.append((text.replace(" ", ""), position))
            # Matches inside a record that lies within another record of the same item add nothing:
            # 营业执照 (keyword) is part of 营业执照办理 (name). Starts are matched separately, with all records.
            for i, record in enumerate(item_records):
                covered = any(
                    record in other and (record != other or j < i) for j, other in enumerate(item_records) if j != i
                )
                if not covered:
                    pinyin_inside.append((record, position))

        self._names = _Haystack(names)
        self._keywords = _Haystack(keywords)
        self._aliases = _Haystack(aliases)
        self._english = _Haystack(english)
        self._pinyin_starts = {letter: _Haystack(records) for letter, records in pinyin_by_initial.items()}
        self._pinyin_inside = _Haystack(pinyin_inside)
        # One-letter queries: every item with a name or keyword starting with that initial, ranked.
        self._initial_ranking: dict[str, tuple[tuple[int, float, str], ...]] = {}
        for initial, records in pinyin_by_initial.items():
            scores: dict[int, float] = {}
            for record, position in records:
                score = PINYIN_WHOLE if _syllables_in(record) == 1 else PINYIN_START
                scores[position] = max(score, scores.get(position, 0.0))
            ranking = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
            self._initial_ranking[initial] = tuple((position, score, "initials") for position, score in ranking)
        self._fuzzy_latin = _FuzzyVocabulary(e for e in fuzzy_latin if len(e[0]) >= FUZZY_MIN_CHARS - 1)
        self._fuzzy_cjk = _FuzzyVocabulary(e for e in fuzzy_cjk if len(e[0]) >= 2)
        self._words_sorted: list[str] = sorted(english_words)
        self._word_items: dict[str, frozenset[int]] = {w: frozenset(p) for w, p in english_words.items()}
        self._fuzzy_words = _FuzzyVocabulary((w, 0) for w in self._words_sorted if len(w) >= FUZZY_MIN_CHARS - 1)

        by_department: dict[str, list[int]] = {}
        by_category: dict[tuple[str, str], list[int]] = {}
        for position, service in enumerate(services):
            by_department.setdefault(service.department, []).append(position)
            by_category.setdefault((service.category.zh, service.category.en), []).append(position)
        # The thesaurus's words are words too: 生孩子 is read whole, then found as 生育; and the official words
        # it names are indexed inside the names that hold them (换领 in 居民身份证换领).
        thesaurus_words = [word for everyday, official in thesaurus.items() for word in (everyday, *official)]
        self._segmenter = Segmenter(
            [word for s in services for word in (s.name.zh, *s.aliases, *s.keywords, s.category.zh)] + thesaurus_words
        )
        self._relevance = RelevanceIndex(services, self._segmenter, thesaurus, self._near_spelling)
        self._groups: list[tuple[float, str, _Group]] = [
            (DEPARTMENT, "department", _Group(d.name.zh, d.name.en, by_department[d.id], readings))
            for d in catalogue.departments
            if d.id in by_department
        ] + [(CATEGORY, "category", _Group(zh, en, members, readings)) for (zh, en), members in by_category.items()]

    def _near_spelling(self, word: str) -> bool:
        """A latin word spelt like a catalogue word or the pinyin of one (pensoin, gongjijn)."""
        return bool(self._fuzzy_words.similar(word, FUZZY_CUTOFF) or self._fuzzy_latin.similar(word, FUZZY_CUTOFF))

    def __len__(self) -> int:
        return len(self._codes)

    # ------------------------------------------------------------------ search

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """The best ``limit`` services for ``query``; [] for an empty query. Never raises."""
        try:
            return self._search(query, limit)
        except Exception:  # noqa: BLE001 - a keystroke must never crash the kiosk screen
            _log.exception("search failed for a query of %d characters", len(query) if isinstance(query, str) else -1)
            return []

    def _search(self, query: str, limit: int) -> list[SearchHit]:
        if not isinstance(query, str) or not isinstance(limit, int) or limit <= 0:
            return []
        q = _normalize(query[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS].strip()
        if not q:
            return []
        has_cjk = any(_is_cjk(ch) for ch in q)
        # Chinese text has no spaces; a latin query keeps them for English phrases.
        text_query = q.replace(" ", "") if has_cjk else q
        latin = "" if has_cjk else _english_form(q)  # English stages: latin-only queries
        tokens = _pinyin_tokens(q)
        pure_chinese = bool(tokens) and all(is_chinese for is_chinese, _ in tokens)
        single_letter = len(tokens) == 1 and not tokens[0][0] and len(latin) <= 1

        # position (popularity order) -> (score, field); kept at the best score seen
        best: dict[int, tuple[float, str]] = {}
        if single_letter:
            # One letter is an initial: names and keywords starting with it ("SSC" for "s") rank
            # with the pinyin initials, by popularity; a letter inside a word means nothing.
            # One stage: the tier is shared, so there must be no early stop between the three.
            def initial_stage() -> None:
                self._match_text(self._names, text_query, PINYIN_WHOLE, PINYIN_START, None, "name", best)
                self._match_text(self._keywords, text_query, PINYIN_WHOLE, PINYIN_START, None, "keyword", best)
                self._match_pinyin_start(tokens, best, limit)

            stages = [initial_stage]
        else:
            stages = [
                lambda: self._match_text(
                    self._names, text_query, NAME_EXACT, NAME_PREFIX, NAME_SUBSTRING, "name", best
                ),
                lambda: self._match_text(
                    self._keywords, text_query, KEYWORD_EXACT, KEYWORD_PREFIX, KEYWORD_SUBSTRING, "keyword", best
                ),
                lambda: self._match_text(
                    self._aliases, text_query, KEYWORD_EXACT, KEYWORD_PREFIX, KEYWORD_SUBSTRING, "alias", best
                ),
            ]
        # "rent", "card": words of the English names; pinyin inside a name is then a coincidence
        reads_as_english = len(latin) >= 3 and all(self._is_word_prefix(w) for w in latin.split())
        if tokens and not pure_chinese and not single_letter:
            stages.append(lambda: self._match_pinyin_start(tokens, best, limit))
            if not single_letter and not reads_as_english:
                stages.append(lambda: self._match_pinyin_inside(tokens, PINYIN_INSIDE, None, best))
        if latin and not single_letter:
            stages.append(lambda: self._match_english(latin, best))
        if tokens and not pure_chinese and reads_as_english:
            stages.append(lambda: self._match_pinyin_inside(tokens, PINYIN_INSIDE_WEAK, None, best))
        if not single_letter:
            stages.append(lambda: self._match_groups(text_query, latin, tokens, best))
        if pure_chinese and len(tokens) >= 2:
            stages.append(lambda: self._match_pinyin_inside(tokens, HOMOPHONE, "pinyin", best))

        # Tiers only go down from stage to stage: once ``limit`` items are found, later ones can't rank.
        for stage in stages:
            stage()
            if len(best) >= limit:
                break
        if not any(score >= LITERAL_MIN for score, _ in best.values()):
            # Not a name, keyword or its pinyin: the visitor asked in their own words (or mistyped).
            answered, unknown = self._match_words(q, text_query, has_cjk)
            if answered:
                best = answered
            elif not unknown and len(best) < FEW_RESULTS:
                # A typo, unless the query names something the catalogue knows nothing of (渔船登记 is not
                # a misspelt 参保登记): then nothing is the right answer.
                self._match_fuzzy(text_query, latin, has_cjk, best)

        ranked = sorted(best.items(), key=_rank)[:limit]
        codes = self._codes
        return [SearchHit(codes[position], score, field) for position, (score, field) in ranked]

    # ------------------------------------------------------------------ stages

    @staticmethod
    def _match_text(hay: _Haystack, text: str, exact: float, prefix: float, inside, field: str, best) -> None:
        # A latin query must start at a word start: "ion" should not find "pension".
        word_start = text[0].isascii() and text[0].isalnum()
        big, starts, ends, owners = hay.text, hay.starts, hay.ends, hay.owners
        for match in _literal_regex(text).finditer(big):
            at = match.start()
            if word_start and big[at - 1].isascii() and big[at - 1].isalnum():
                continue
            record = bisect_right(starts, at) - 1
            if at == starts[record]:
                score = exact if match.end() == ends[record] else prefix
            elif inside is None:
                continue
            else:
                score = inside
            position = owners[record]
            current = best.get(position)
            if current is None or score > current[0]:
                best[position] = (score, field)

    def _match_pinyin_start(self, tokens, best, limit: int) -> None:
        """Queries spelling the first syllables of a name or keyword: records by initial, anchored."""
        first = tokens[0][1]
        if len(tokens) == 1 and isinstance(first, str):
            # One letter: the answer was ranked at build time; take just enough of it.
            ranked = self._initial_ranking.get(first, ())
            # Sorted like the final ranking: past this many entries, ``limit`` better items are in ``best``.
            for position, score, field in ranked[: len(best) + limit]:
                current = best.get(position)
                if current is None or score > current[0]:
                    best[position] = (score, field)
            return
        pattern = _pinyin_regex(tokens, True)
        initials = {first} if isinstance(first, str) else {reading[0] for reading in first}
        letters = sum(1 for is_chinese, _ in tokens if not is_chinese)
        all_letters = letters == len(tokens)
        spelled_to_end = _SPELLED_TO_END.match
        for initial in initials:
            hay = self._pinyin_starts.get(initial)
            if hay is None:
                continue
            big, starts, owners = hay.text, hay.starts, hay.owners
            for match in pattern.finditer(big):
                score = PINYIN_WHOLE if spelled_to_end(big, match.end()) else PINYIN_START
                # initials when every query letter began a syllable ("sbk"), else pinyin ("shebk")
                field = "initials" if all_letters and _syllables_in(match.group()) == letters else "pinyin"
                position = owners[bisect_right(starts, match.start() + 1) - 1]
                current = best.get(position)
                if current is None or score > current[0]:
                    best[position] = (score, field)

    def _match_pinyin_inside(self, tokens, score: float, label: str | None, best) -> None:
        """Consecutive syllables anywhere in a name or keyword."""
        pattern = _pinyin_regex(tokens, False)
        letters = sum(1 for is_chinese, _ in tokens if not is_chinese)
        all_letters = letters == len(tokens)
        hay = self._pinyin_inside
        starts, owners = hay.starts, hay.owners
        for match in pattern.finditer(hay.text):
            position = owners[bisect_right(starts, match.start()) - 1]
            current = best.get(position)
            if current is None or score > current[0]:
                field = label or ("initials" if all_letters and _syllables_in(match.group()) == letters else "pinyin")
                best[position] = (score, field)

    def _match_english(self, latin: str, best) -> None:
        hay = self._english
        starts, owners = hay.starts, hay.owners
        for match in _literal_regex(" " + latin).finditer(hay.text):
            record = bisect_right(starts, match.start()) - 1
            score = ENGLISH_START if match.start() == starts[record] else ENGLISH_PHRASE
            position = owners[record]
            current = best.get(position)
            if current is None or score > current[0]:
                best[position] = (score, "english")
        words = latin.split()
        if len(words) < 2:
            return
        # every word, in any order: "permit residence"
        found: frozenset[int] | None = None
        for word in sorted(words, key=len, reverse=True):
            items = self._items_with_word_prefix(word)
            found = items if found is None else found & items
            if not found:
                return
        for position in found or ():
            if position not in best:
                best[position] = (ENGLISH_WORDS, "english")

    def _is_word_prefix(self, prefix: str) -> bool:
        words = self._words_sorted
        i = bisect_left(words, prefix)
        return i < len(words) and words[i].startswith(prefix)

    def _items_with_word_prefix(self, prefix: str) -> frozenset[int]:
        words = self._words_sorted
        i = bisect_left(words, prefix)
        j = bisect_left(words, prefix + "\x7f", i)
        if j - i == 1:
            return self._word_items[words[i]]
        return frozenset().union(*(self._word_items[w] for w in words[i:j]))

    def _match_groups(self, text: str, latin: str, tokens, best) -> None:
        pinyin_pattern = _pinyin_regex(tokens, False) if len(tokens) >= 2 else None
        latin_pattern = _literal_regex(" " + latin) if len(latin) >= 2 else None
        for score, field, group in self._groups:
            if (
                (len(text) >= 2 and text in group.zh)  # not 局 alone: every department has it
                or (latin_pattern is not None and latin_pattern.search(group.en))
                or (pinyin_pattern is not None and pinyin_pattern.search(group.syllables))
            ):
                for position in group.members:
                    if position not in best:
                        best[position] = (score, field)

    def _match_words(self, query: str, text: str, has_cjk: bool) -> tuple[dict[int, tuple[float, str]], bool]:
        """Services that answer a question asked in the visitor's own words, with confidence ({} when none),
        and whether the query names something the catalogue knows nothing of."""
        found, unknown = self._relevance.search(query)
        relevance = {relevant.position: relevant.score for relevant in found}
        core = self._segmenter.core(query) if has_cjk else ""
        if len(core) >= 2 and core != text:
            literal: dict[int, tuple[float, str]] = {}
            self._match_text(self._names, core, 3.0, 2.0, 1.0, "name", literal)
            self._match_text(self._keywords, core, 3.0, 2.0, 1.0, "keyword", literal)
            self._match_text(self._aliases, core, 3.0, 2.0, 1.0, "alias", literal)
            for position, (matched, _) in literal.items():
                relevance[position] = relevance.get(position, 0.0) + matched * CORE_BONUS
        answered = {
            position: (WORDS_BASE + WORDS_SPAN * value / (value + WORDS_HALF), "words")
            for position, value in relevance.items()
        }
        return answered, unknown

    def _match_fuzzy(self, text: str, latin: str, has_cjk: bool, best) -> None:
        def add(position: int, score: float) -> None:
            current = best.get(position)
            if current is None or score > current[0]:
                best[position] = (score, "fuzzy")

        if has_cjk:
            compact = text.replace(" ", "")
            if 2 <= len(compact) <= 24:
                for _, score, owners in self._fuzzy_cjk.similar(compact, FUZZY_CUTOFF_CJK):
                    for position in owners:
                        add(position, round(score) / 10)
            return
        compact = latin.replace(" ", "")
        if not FUZZY_MIN_CHARS <= len(compact) <= 40:
            return
        # pinyin words and whole names / keywords: "shebaoak" -> shebaoka (社保卡)
        for _, score, owners in self._fuzzy_latin.similar(compact, FUZZY_CUTOFF):
            for position in owners:
                add(position, round(score) / 10)
        words = latin.split()
        if len(words) > 6:
            return
        # English, word by word: "socail security" -> social & security; the last word may be half typed
        found: set[int] | None = None
        total = 0.0
        for i, word in enumerate(words):
            items: set[int] = set()
            word_score = 0.0
            if i == len(words) - 1 or len(word) < FUZZY_MIN_CHARS - 1:
                exact = self._items_with_word_prefix(word)
                if exact:
                    items.update(exact)
                    word_score = 100.0
            if len(word) >= FUZZY_MIN_CHARS - 1:
                for vocab_word, score, _ in self._fuzzy_words.similar(word, FUZZY_CUTOFF):
                    items.update(self._word_items[vocab_word])
                    word_score = max(word_score, score)
            found = items if found is None else found & items
            total += word_score
            if not found:
                return
        score = min(round(total / len(words)) / 10, FUZZY_MAX)
        for position in found or ():
            add(position, score)


def _rank(item: tuple[int, tuple[float, str]]) -> tuple[float, int]:
    return (-item[1][0], item[0])


def _pinyin_tokens(query: str) -> tuple[tuple[bool, str | tuple[str, ...]], ...]:
    """(is_chinese, letter or readings) per useful query char; spaces and punctuation are dropped."""
    tokens: list[tuple[bool, str | tuple[str, ...]]] = []
    for ch in query:
        if ("a" <= ch <= "z") or ("0" <= ch <= "9"):
            tokens.append((False, ch))
        elif _is_cjk(ch):
            readings = character_readings(ch)
            if readings:
                tokens.append((True, readings))
        if len(tokens) >= MAX_PINYIN_TOKENS:
            break
    return tuple(tokens)


def _pinyin_words(syllables: list[str], position: int) -> list[tuple[str, int]]:
    """Fuzzy vocabulary from one pinyin record: the whole record and every run of 2-4 syllables."""
    words = [("".join(syllables), position)]
    for size in (2, 3, 4):
        for i in range(len(syllables) - size + 1):
            words.append(("".join(syllables[i : i + size]), position))
    return words
