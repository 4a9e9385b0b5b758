"""Query understanding: a visitor's words, as the terms the relevance model scores.

Chinese is segmented with jieba (its own ``Tokenizer`` per catalogue, with the catalogue's names, aliases and
keywords added as words, so nothing leaks into jieba's global dictionary or between catalogues); English is
lower-cased, British spellings become American ones and plurals singular. Filler (我想, 怎么, 要, 了, 吗,
什么, 请问…; "how do I", "my", "the"…) is dropped; negations (不, 没, 无) and numbers stay, they change what
is asked. Everyday words that name the same thing as the catalogue's official ones (公司 / 企业, 丢了 / 补领,
company / enterprise, refund) are synonyms in the thesaurus (config/catalogue/thesaurus.tsv, editable);
wordings that belong to one service (领低保, 辞职了) are that service's aliases in the catalogue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Iterable
from functools import lru_cache

import jieba

from services.guide.word_counts import WordCounts, open_word_counts

_LATIN_WORD = re.compile(r"[a-z0-9]+")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff0-9]+")

# Whole phrases said before or after what is wanted; cut before segmenting, because jieba reads some of
# them together with the next word (我想开 -> 我 / 想开).
FILLER_PHRASES = (
    "请问一下", "请问", "你好", "您好", "我想要", "我想", "我要", "想要", "我们想", "我们要", "我需要", "我得",
    "需要准备", "需要带", "要准备", "要带", "需要", "怎么办理", "怎么办", "怎么弄", "怎么样", "怎么", "怎样",
    "如何", "在哪里", "在哪儿", "在哪", "去哪里", "去哪儿", "去哪", "哪里", "哪儿", "找谁", "能不能", "可不可以",
    "可以吗", "可以", "有没有", "是不是", "什么", "哪些", "啥", "一下", "应该", "吗", "呢", "吧", "啊", "呀",
    "了", "的",
)
# Said one way, searched as another: "not wanting to" is the negation (公司不想干了 -> 公司不干了).
REWRITES = {"不想": "不", "不打算": "不"}
# Single words that carry nothing when left alone after segmenting.
FILLER_WORDS = frozenset((
    "我", "你", "您", "他", "她", "我们", "我的", "想", "要", "会", "能", "该", "办", "办理", "弄", "搞", "做", "去", "到", "在", "把",
    "给", "被", "让", "是", "有", "个", "一个", "一家", "家", "这", "那", "这个", "那个", "和", "与", "及", "或", "还", "也", "都", "就",
    "才", "又", "再", "很", "太", "多少", "几", "时候", "什么时候", "多久", "手续", "流程", "材料", "东西", "事", "事情", "问题", "情况", "一下",
    "请", "您好", "谢谢", "吗", "呢", "吧", "啊", "了", "的", "么", "之后", "以后", "后", "现在", "今天", "马上", "急", "快", "刚", "刚刚", "自己", "家里",
    "已经", "过来", "过去", "回来", "出来", "起来", "下来", "上去", "一些", "哪个", "哪家", "那里", "这里",
))
# A catalogue phrase that starts with one of these (办社保卡, 想离婚) is added to the segmenter without it, so
# that 补办社保卡 still reads 补办 / 社保卡 and not 补 / 办社保卡.
_LEADING_FILLER = ("办理", "我要", "我想", "办", "要", "想")
ENGLISH_FILLER = frozenset((
    "i", "me", "my", "we", "our", "you", "your", "a", "an", "the", "to", "of", "for", "in", "on", "at", "by",
    "with", "and", "or", "is", "are", "am", "be", "do", "does", "did", "can", "could", "how", "what", "where",
    "when", "which", "who", "want", "need", "would", "like", "get", "got", "have", "has", "please", "help",
    "about", "from", "it", "this", "that", "there", "apply", "application",
))
# British -> American, then one form for a word and its plural.
_SPELLINGS = {
    "licence": "license", "licences": "license", "organisation": "organization", "organisations": "organization",
    "labour": "labor", "enrolment": "enrollment", "centre": "center", "colour": "color", "practising": "practicing",
    "practise": "practice", "programme": "program", "cheque": "check", "authorising": "authorizing",
    "notarisation": "notarization", "stabilisation": "stabilization", "cancelled": "canceled",
}
_IRREGULAR = {"children": "child", "people": "person", "wives": "wife", "men": "man", "women": "woman"}
def _without_leading_filler(word: str, words: Container[str]) -> str:
    for lead in _LEADING_FILLER:
        rest = word[len(lead):]
        if word.startswith(lead) and len(rest) >= 2 and (rest in words or _base_dictionary()[0].get(rest)):
            return rest
    return word


def english_word(word: str) -> str:
    """One form for a word: American spelling, singular ('licences' -> 'license', 'benefits' -> 'benefit')."""
    word = _SPELLINGS.get(word, word)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return _SPELLINGS.get(word, word)  # the singular of a plural not listed: centres -> centre -> center


def english_terms(text: str, drop_filler: bool) -> list[str]:
    words = _LATIN_WORD.findall(text.lower())
    return [english_word(w) for w in words if not (drop_filler and w in ENGLISH_FILLER)]


@lru_cache(maxsize=1)
def _base_dictionary() -> tuple[WordCounts, int]:
    """jieba's word counts (with the zero-count prefixes its segmenter walks), mapped from a file built once per
    machine (services.guide.word_counts), and the corpus total of every word, pruned ones too."""
    counts = open_word_counts()
    return counts, counts.total


class _WordCounts(dict):
    """One catalogue's words over the shared dictionary, which is read through and never written: adding
    a word here (jieba's ``add_word``) leaves every other catalogue's segmenter as it was."""

    __slots__ = ("_shared",)

    def __init__(self, shared: WordCounts):
        super().__init__()
        self._shared = shared

    def __missing__(self, word: str) -> int:
        return self._shared[word]

    def __contains__(self, word: object) -> bool:
        return dict.__contains__(self, word) or word in self._shared

    def get(self, word, default=None):
        return dict.get(self, word) if dict.__contains__(self, word) else self._shared.get(word, default)


class Segmenter:
    """jieba with one catalogue's words added, private to that catalogue."""

    def __init__(self, words: Iterable[str]):
        shared, total = _base_dictionary()
        tokenizer = jieba.Tokenizer()
        # jieba reads its dictionary through these two fields; ours is the shared one under this catalogue's.
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = _WordCounts(shared), total, True
        words = set(words)
        for word in words:
            word = _without_leading_filler(word, words)
            if len(word) >= 2 and not word.isascii():
                # Frequent enough that jieba keeps it whole instead of cutting it into common words.
                tokenizer.add_word(word, freq=max(tokenizer.FREQ.get(word) or 0, 2000))
        self._tokenizer = tokenizer

    def rarity(self, word: str) -> float | None:
        """-log of the word's frequency in jieba's own dictionary (not the catalogue's); None when not in it
        (or too rare to be kept)."""
        freq, total = _base_dictionary()
        count = freq.get(word)
        return math.log(total / count) if count else None

    def index_terms(self, text: str) -> list[str]:
        """Words and their sub-words, for a catalogue text: 住房公积金 -> 住房, 公积金, 住房公积金."""
        terms: list[str] = []
        for run in _CJK_RUN.findall(text):
            terms.extend(w for w in self._tokenizer.cut_for_search(run, HMM=False) if w.strip())
        terms.extend(english_terms(text, drop_filler=False))
        return terms

    def query_terms(self, text: str) -> list[str]:
        """The meaningful words of a query, in order, each once: 我想开个网店要什么证 -> 开, 网店, 证."""
        terms: list[str] = []
        for run in _CJK_RUN.findall(text):
            for said, meant in REWRITES.items():
                run = run.replace(said, meant)
            for phrase in FILLER_PHRASES:
                run = run.replace(phrase, " ")
            for part in run.split():
                for word in self._tokenizer.cut(part, HMM=False):
                    if word.strip() and word not in FILLER_WORDS and word not in terms:
                        terms.append(word)
        for word in english_terms(text, drop_filler=True):
            if word not in terms:
                terms.append(word)
        return terms

    def split_known(self, word: str, known: Container[str]) -> list[str]:
        """A word the catalogue lacks, cut into the longest pieces it has, left to right; what is between them
        stays in unknown pieces: 工作证 -> 工作, 证; 驾驶证 -> 驾驶, 证 (nothing overlaps)."""
        pieces: list[str] = []
        rest = ""
        i = 0
        while i < len(word):
            for end in range(len(word), i, -1):
                if end - i >= 1 and word[i:end] in known and word[i:end] != word:
                    if rest:
                        pieces.append(rest)
                        rest = ""
                    pieces.append(word[i:end])
                    i = end
                    break
            else:
                rest += word[i]
                i += 1
        if rest:
            pieces.append(rest)
        return pieces

    def core(self, text: str) -> str:
        """The query without its filler, as one string: 请问在哪里领失业金 -> 领失业金."""
        return "".join(self.query_terms(text)) if _CJK_RUN.search(text) else text
