"""General mechanisms of the search that do not belong to one service: the thesaurus (a data file, parsed with
clear errors, given to the index), how unknown words are cut, what is filler, and "not here" when the most
specific word of a question is one the catalogue has nothing of."""

from __future__ import annotations

import pytest

from common.catalogue import Catalogue, load_catalogue
from common.paths import THESAURUS_FILE
from common.thesaurus import ThesaurusError, bundled_thesaurus, parse_thesaurus
from services.guide.search import SearchIndex
from services.guide.terms import Segmenter
from tests.services.guide.test_search import SAMPLE, _service, _text

# Services every small catalogue here also has, so that a word's rarity means something.
_OTHERS = (("社会保障卡申领", "Social security card"), ("住房公积金提取", "Housing fund withdrawal"),
           ("结婚登记", "Marriage registration"), ("居民身份证换领", "Renewal of an identity card"))


def _catalogue(*names: tuple[str, str]) -> Catalogue:
    names = names + _OTHERS
    services = [_service(f"SC-00{i + 1}", zh, en, "market", 100 - i) for i, (zh, en) in enumerate(names)]
    return Catalogue.model_validate(
        {"version": "t", "departments": [{"id": "market", "name": _text("市场监管局", "Market")}], "services": services}
    )


def test_a_thesaurus_file_is_read_with_comments_and_blank_lines():
    text = "\ufeff# everyday -> official\n\n开店\t个体工商户 设立\nShop\tbusiness\n"
    assert parse_thesaurus(text, "t.tsv") == {"开店": ("个体工商户", "设立"), "shop": ("business",)}


@pytest.mark.parametrize(
    ("text", "line"),
    [("开店 个体工商户\n", 1), ("# c\n开店\t\n", 2), ("开店\t设立\n开店\t登记\n", 2), ("开 店\t设立\n", 1)],
)
def test_a_bad_thesaurus_line_is_named(text, line):
    with pytest.raises(ThesaurusError, match=f"t.tsv:{line}:"):
        parse_thesaurus(text, "t.tsv")


def test_the_bundled_thesaurus_is_valid_and_used_by_default():
    thesaurus = bundled_thesaurus()
    assert thesaurus["公司"] == ("企业",)
    assert THESAURUS_FILE.is_file()
    catalogue = _catalogue(("企业设立登记", "Registration of a new enterprise"))
    assert [h.code for h in SearchIndex(catalogue).search("我想注册个公司")] == ["SC-001"]
    assert SearchIndex(catalogue, thesaurus={}).search("我想注册个公司") == []


def test_an_everyday_word_in_the_thesaurus_finds_the_official_one():
    # 个体工商户 is only inside the longer name here, never a word of its own: found by its indexed parts.
    catalogue = _catalogue(("个体工商户设立登记", "Registration of an individual business"), ("食品经营许可", "Food"))
    assert SearchIndex(catalogue, thesaurus={}).search("我想开个小卖铺") == []
    found = SearchIndex(catalogue, thesaurus={"小卖铺": ("个体工商户",)}).search("我想开个小卖铺")
    assert [h.code for h in found][:1] == ["SC-001"]


def test_thesaurus_words_are_read_whole():
    # Without it, jieba cuts 小卖铺 into pieces; a thesaurus word is a word of the catalogue's segmenter.
    catalogue = _catalogue(("个体工商户设立登记", "Registration of an individual business"))
    index = SearchIndex(catalogue, thesaurus={"小卖铺": ("个体工商户",)})
    assert "小卖铺" in index._segmenter.query_terms("开小卖铺")


def test_an_unknown_word_is_cut_into_the_catalogues_words_without_overlap():
    segmenter = Segmenter([])
    assert segmenter.split_known("工作证", {"工作", "证", "作证"}) == ["工作", "证"]
    assert segmenter.split_known("驾驶证", {"证"}) == ["驾驶", "证"]
    assert segmenter.split_known("宠物医院", {"医院"}) == ["宠物", "医院"]
    assert segmenter.split_known("渔船", {"证"}) == ["渔船"]


def test_a_catalogue_phrase_with_a_leading_verb_does_not_swallow_the_query():
    # The alias 办社保卡 must not make 补办社保卡 read 补 / 办社保卡.
    segmenter = Segmenter(["办社保卡", "社保卡"])
    terms = segmenter.query_terms("补办社保卡")
    assert "社保卡" in terms and "办社保卡" not in terms


def test_directional_words_and_not_wanting_to_are_read_as_meant():
    segmenter = Segmenter(["户口", "清税"])
    assert "过来" not in segmenter.query_terms("孩子户口迁过来")
    terms = segmenter.query_terms("公司不想干了怎么清税")
    assert "不" in terms and "不想" not in terms


@pytest.fixture(scope="module")
def sample() -> SearchIndex:
    return SearchIndex(load_catalogue(SAMPLE))


@pytest.mark.parametrize("query", ["驾驶证到期了怎么换证", "宠物狗办证", "渔船年检"])
def test_a_question_about_something_the_catalogue_lacks_is_not_answered(sample, query):
    # Its most specific word (驾驶证, 宠物, 渔船) is nowhere in the catalogue; its other words (换证, 办证, 年检)
    # are, in services that would be junk.
    assert sample.search(query) == []


def test_the_same_question_about_something_it_has_is_answered(sample):
    assert [h.code for h in sample.search("身份证到期了怎么换证")][:3].count("GA-003") == 1


def test_an_english_word_spelt_like_nothing_in_the_catalogue_is_a_subject_it_lacks(sample):
    # "driving" is no typo of any catalogue word: not here, although "renew" and "licence" are known words.
    assert sample.search("renew my driving licence") == []
    # A misspelt catalogue word is still a typo, and found.
    assert "RS-012" in [h.code for h in sample.search("pensoin")][:5]
