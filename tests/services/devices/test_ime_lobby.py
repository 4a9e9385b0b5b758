"""The input method on what lobby visitors type, with the kiosk's own words as the kiosk runs it: sentences
typed in one go, initials, the catalogue's words, and nothing learnt kept from one visitor to the next."""

from __future__ import annotations

import pytest
from pypinyin import Style, lazy_pinyin

from common.catalogue import load_catalogue
from common.paths import SAMPLE_CATALOGUE_FILE
from common.settings import FeedbackSettings
from services.devices.ime import InputMethod
from services.devices.ime.essay import ESSAY, essay_counts
from services.devices.ime.lexicon import Lexicon
from services.devices.ime.vocabulary import kiosk_words, lobby_words, spell

CATALOGUE = load_catalogue(SAMPLE_CATALOGUE_FILE)
OWN_WORDS = kiosk_words(CATALOGUE, FeedbackSettings().categories)


@pytest.fixture(scope="module")
def ime(ime_cache_dir):
    method = InputMethod.load(ime_cache_dir, vocabulary=lobby_words() + OWN_WORDS)
    yield method
    method.close()


@pytest.fixture(scope="module")
def plain(ime_cache_dir):
    """The dictionary alone, without the kiosk's words."""
    method = InputMethod.load(ime_cache_dir)
    yield method
    method.close()


def texts(ime, letters, limit=48):
    return [c.text for c in ime.candidates(letters, limit)]


@pytest.mark.parametrize(
    "letters, sentence",
    [
        ("tingshuile", "停水了"),  # not 听谁了: the whole lattice, not the first word then the next
        ("jidiankaimen", "几点开门"),  # not 机电开门
        ("zenmejiaofei", "怎么缴费"),  # not 怎么剿匪
        ("diantihuaile", "电梯坏了"),
        ("kongtiaotailengle", "空调太冷了"),
        ("woyaobaoxiu", "我要报修"),
        ("tingchechangzainali", "停车场在哪里"),
    ],
)
def test_a_sentence_typed_in_one_go_comes_first_whole(ime, letters, sentence):
    first = ime.candidates(letters, 48)[0]
    assert (first.text, first.consumed_letters) == (sentence, letters)


def test_a_sentence_comes_first_only_when_likelier_than_a_word(ime):
    assert texts(ime, "tingshui", 1) == ["停水"]  # a word spelling it all is not split
    assert texts(ime, "zhonghuarenmingongheguo", 1) == ["中华人民共和国"]
    assert texts(ime, "zmzm", 8)[0] != "怎么怎么"  # initials alone are an abbreviation, never a sentence


def test_the_next_likeliest_sentence_is_offered_too(ime):
    # A homophone may take the first place; the second sentence repairs it with one tap.
    found = texts(ime, "kongtiaobuzhileng", 5)
    assert "空调不制冷" in found[:3]


@pytest.mark.parametrize(
    "letters, word",
    [("xx", "谢谢"), ("kt", "空调"), ("fp", "发票"), ("wsj", "卫生间"), ("tcc", "停车场"), ("sbk", "社保卡"), ("nh", "你好")],
)
def test_initials_find_the_word_a_visitor_means_first(ime, plain, letters, word):
    assert texts(ime, letters, 1) == [word]


def test_the_kiosk_words_lift_initials_the_dictionary_alone_ranks_low(ime, plain):
    # jieba's news-heavy counts put 信息 学校 学习 ahead of 谢谢; the lobby's words put it first.
    assert texts(plain, "xx", 48).index("谢谢") > 3
    assert texts(ime, "xx", 1) == ["谢谢"]


def test_the_catalogue_words_typed_in_full_come_first(ime):
    missed = []
    for word in OWN_WORDS:
        letters = "".join(lazy_pinyin(word, style=Style.NORMAL))
        if texts(ime, letters, 1) != [word]:
            missed.append(word)
    assert len(missed) <= 0.05 * len(OWN_WORDS), missed


def test_the_catalogue_words_as_initials_come_first(ime):
    missed = []
    for word in OWN_WORDS:
        letters = "".join(s[0] for s in lazy_pinyin(word, style=Style.NORMAL))
        if texts(ime, letters, 1) != [word]:
            missed.append(word)
    assert len(missed) <= 0.2 * len(OWN_WORDS), missed


def test_a_long_service_name_typed_in_full_is_not_cut(ime):
    name = "城镇职工基本养老保险参保登记"  # 48 letters: the keyboard once cut input at 40
    assert texts(ime, "chengzhenzhigongjibenyanglaobaoxiancanbaodengji", 1) == [name]
    assert texts(ime, "czzgjbylbxcbdj", 1) == [name]


def test_the_vocabulary_can_be_replaced(ime_cache_dir):
    method = InputMethod.load(ime_cache_dir, vocabulary=["微心愿"])
    try:
        assert texts(method, "wxy", 1) == ["微心愿"]
        method.set_vocabulary(["无线网"])  # a new catalogue or new categories: the old words lose their place
        assert texts(method, "wxy", 1) != ["微心愿"]
        assert texts(method, "wxw", 1) == ["无线网"]
        assert method.vocabulary_size == 1
    finally:
        method.close()


def test_a_pick_is_offered_first_to_the_same_visitor_and_forgotten_after(ime):
    before = texts(ime, "shi", 48)
    pick = before[5]
    ime.learn(pick)
    try:
        assert texts(ime, "shi", 1) == [pick]
        assert ime.learnt == 1
    finally:
        ime.forget()
    assert ime.learnt == 0
    assert texts(ime, "shi", 48) == before  # the next visitor sees the list as if nobody had typed


def test_a_learnt_word_also_wins_inside_a_sentence_until_forgotten(ime):
    before = texts(ime, "loushanghenchao", 1)
    ime.learn("很吵")
    try:
        assert texts(ime, "loushanghenchao", 1) == ["楼上很吵"]
    finally:
        ime.forget()
    assert texts(ime, "loushanghenchao", 1) == before


def test_words_the_dictionary_lacks_are_read_from_the_words_they_are_made_of(ime_cache_dir):
    lexicon = Lexicon(ime_cache_dir / Lexicon.FILE_NAME)
    try:
        assert lexicon.spelling("银行") == ("yin'hang", lexicon.spelling("银行")[1])
        assert lexicon.spelling("银行")[1] > 1000
        assert lexicon.spelling("没有这个词啊啊") is None
        # 社会保险单位参保登记 is not in jieba: 社会保险 单位 参保 登记, each as a word reads it.
        syllables, frequency = spell(lexicon, "社会保险单位参保登记")
        assert syllables == ["she", "hui", "bao", "xian", "dan", "wei", "can", "bao", "deng", "ji"]
        assert frequency == 0
        assert spell(lexicon, "重庆银行")[0] == ["chong", "qing", "yin", "hang"]
        assert spell(lexicon, "停水🙂") is None
    finally:
        lexicon.close()


def test_kiosk_words_are_every_run_of_chinese_in_the_catalogue_and_categories():
    assert "退休申请" in OWN_WORDS and "基本养老金申领" in OWN_WORDS  # 退休申请（基本养老金申领）
    assert "社保卡" in OWN_WORDS  # an alias
    assert "微心愿" in OWN_WORDS  # a feedback category
    assert "党群服务中心" in OWN_WORDS  # a place
    assert len(OWN_WORDS) == len(set(OWN_WORDS))
    assert all(len(word) >= 2 for word in OWN_WORDS)
    assert not any(word.isascii() for word in OWN_WORDS)  # "SSC", "reset PIN" are for the search, not pinyin


@pytest.mark.skipif(not ESSAY.exists(), reason="Rime's essay is not installed (Debian rime-essay, make deps)")
def test_the_essay_is_read_as_simplified_chinese():
    counts = essay_counts()
    assert counts["谢谢"] > counts["謝謝"] == 0  # 謝謝 in the file, counted as 谢谢
    assert counts["吗"] > counts["马"]  # conversational: jieba has 吗 21,245 to 马 19,918
