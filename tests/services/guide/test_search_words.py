"""The search answers how visitors ask: whole questions, other wordings, everyday English, and "not here".

On the realistic sample catalogue (config/catalogue/sample.json, with its aliases), and on small catalogues
built here for what must hold whatever the data: aliases rank, junk is not shown, jieba's words stay private.
"""

from __future__ import annotations

import jieba
import pytest

from common.catalogue import Catalogue, load_catalogue
from services.guide.search import SearchIndex
from services.guide.terms import Segmenter, _base_dictionary, english_word
from services.guide.word_counts import WordCounts, read_dictionary, write_table
from tests.services.guide.test_search import SAMPLE, _service, _text


@pytest.fixture(scope="module")
def sample() -> SearchIndex:
    return SearchIndex(load_catalogue(SAMPLE))


def _codes(index: SearchIndex, query: str, n: int = 5) -> list[str]:
    return [hit.code for hit in index.search(query)[:n]]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("公司注销怎么办", "SC-006"),
        ("我想开个网店要什么证", "SC-002"),
        ("请问在哪里领失业金", "RS-016"),
        ("辞职了公积金怎么取出来", "GJJ-005"),
        ("身份证丢了怎么补办", "GA-004"),
        ("孩子出生了怎么上户口", "GA-008"),
        ("老板不发工资去哪里投诉", "RS-028"),
        ("去外地看病怎么报销", "YB-002"),
        ("社保卡密码忘了怎么办", "RS-004"),
    ],
)
def test_a_whole_question_finds_its_service_first(sample, query, code):
    hits = sample.search(query)
    assert hits and hits[0].code == code, f"{query!r}: {[(h.code, round(h.score, 1), h.field) for h in hits[:5]]}"


def test_filler_words_do_not_count(sample):
    # The same question with and without its filler finds the same service first.
    assert _codes(sample, "领失业金", 1) == _codes(sample, "请问我想在哪里领失业金呢", 1) == ["RS-016"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("领低保", "MZ-005"),  # the examples: life situations named instead of the procedure
        ("辞职了", "GJJ-005"),
        ("开网店", "SC-002"),
        ("租房提取住房公积金", "GJJ-001"),  # other word order
        ("公积金离职提取", "GJJ-005"),
        ("个人所得税汇算", "SW-001"),  # a word less than the name
        ("注销企业", "SC-006"),
    ],
)
def test_other_wordings_find_the_service(sample, query, code):
    assert code in _codes(sample, query, 3), f"{query!r}: {_codes(sample, query)}"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("business licence", "SC-001"),
        ("business license", "SC-001"),  # American spelling
        ("residence permits", "GA-001"),  # plural
        ("passports", "GA-011"),
        ("labor arbitration", "RS-027"),  # the catalogue says "labour"
        ("organization registration", "MZ-009"),  # …and "organisation"
        ("register a company", "SC-001"),  # company -> enterprise
        ("close my company", "SC-006"),
        ("tax refund", "SW-001"),
        ("renew my ID card", "GA-003"),
        ("how do I get a residence permit", "GA-001"),
    ],
)
def test_everyday_english_finds_the_service(sample, query, code):
    assert code in _codes(sample, query, 3), f"{query!r}: {_codes(sample, query)}"


def test_english_word_forms():
    assert english_word("licences") == english_word("license") == "license"
    assert english_word("organisations") == "organization"
    assert english_word("subsidies") == "subsidy"
    assert english_word("benefits") == "benefit"
    assert english_word("status") == "status"  # not every final s is a plural


@pytest.mark.parametrize(
    "query",
    ["驾驶证到期了怎么换", "渔船登记", "电费缴纳", "燃气开户", "宠物医院", "我想学游泳", "附近有没有好吃的饭店",
     "visa to the USA", "pay my phone bill", "where is the toilet", "driving licence"],
)
def test_what_the_centre_does_not_offer_shows_nothing(sample, query):
    # No unrelated service as if it were an answer: the kiosk says "not here" and offers help instead.
    assert sample.search(query) == [], f"{query!r}: {_codes(sample, query)}"


@pytest.mark.parametrize(("query", "code"), [("社保咔", "RS-001"), ("居驻证", "GA-001"), ("shebaoak", "RS-001"),
                                             ("pensoin", "RS-012"), ("sbk", "RS-001"), ("社bao卡", "RS-001")])
def test_typos_pinyin_and_initials_still_work(sample, query, code):
    assert code in _codes(sample, query, 3), f"{query!r}: {_codes(sample, query)}"


def _small(aliases: dict[str, list[str]]) -> Catalogue:
    services = []
    for i, (zh, en, keywords) in enumerate(
        [
            ("最低生活保障申请", "Minimum living allowance", ["低保"]),
            ("住房公积金提取", "Housing provident fund withdrawal", ["公积金"]),
            ("个体工商户登记", "Individual business registration", ["个体户"]),
        ]
    ):
        code = f"MZ-00{i + 1}"
        service = _service(code, zh, en, "civil", 100 - i, keywords=keywords)
        service["aliases"] = aliases.get(code, [])
        services.append(service)
    return Catalogue.model_validate(
        {"version": "t", "departments": [{"id": "civil", "name": _text("民政局", "Civil Affairs")}], "services": services}
    )


def test_an_alias_answers_what_the_catalogue_never_says():
    without = SearchIndex(_small({}))
    with_alias = SearchIndex(_small({"MZ-003": ["开网店"]}))
    assert without.search("我想开个网店") == []
    assert [h.code for h in with_alias.search("我想开个网店")][:1] == ["MZ-003"]
    assert [h.code for h in with_alias.search("开网店")][:1] == ["MZ-003"]


def test_catalogue_words_stay_in_their_own_index():
    # Each index segments with its own words; neither the dictionary the segmenters share nor jieba's global
    # one learns them.
    words = ["领低保补助金", "辞职提公积金"]
    mine = Segmenter(words)
    other = Segmenter([])
    assert "领低保补助金" in mine.query_terms("领低保补助金")
    assert "领低保补助金" not in other.query_terms("领低保补助金")
    assert "领低保补助金" not in _base_dictionary()[0]
    assert "领低保补助金" not in jieba.dt.FREQ


def test_catalogues_without_aliases_still_load():
    # Catalogue files written before aliases existed are valid: the field is optional.
    catalogue = _small({})
    assert all(service.aliases == () for service in catalogue.services)


def test_negations_and_numbers_are_kept():
    segmenter = Segmenter(["欠薪"])
    assert "不" in segmenter.query_terms("老板不发工资怎么办")
    assert "80" in segmenter.query_terms("老人80岁了有什么补贴")
    assert "怎么办" not in segmenter.query_terms("老板不发工资怎么办")


def test_a_number_finds_its_service(sample):
    assert _codes(sample, "12315", 1) == ["SC-021"]
    assert _codes(sample, "老人80岁了有什么补贴", 1) == ["MZ-007"]


@pytest.mark.parametrize(("query", "code"), [("营业执照", "SC-001"), ("结婚证", "MZ-002"), ("落户", "GA-006")])
def test_a_whole_keyword_beats_the_start_of_a_longer_name(sample, query, code):
    # 营业执照 is a keyword of 企业设立登记 and the start of 营业执照变更登记: the visitor wants one.
    assert _codes(sample, query, 1) == [code], _codes(sample, query)


def test_mapped_word_counts_answer_as_the_dict_they_are_written_from(tmp_path):
    # The segmenter's dictionary is a mapped hash table (not a dict in the kiosk's memory): every word and
    # prefix keeps its count, zero counts included, and nothing else is found.
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("网店 3 n\n网 900 n\n公积金 120 n\n住房公积金 50 n\n罕见词 2 n\n", encoding="utf-8")
    counts, total = read_dictionary(dictionary)
    assert total == 1075 and counts["公积"] == 0 and "罕见词" not in counts
    write_table(counts, total, tmp_path / "counts.bin")
    mapped = WordCounts(tmp_path / "counts.bin")
    assert mapped.total == total
    assert {word: mapped[word] for word in counts} == counts
    assert "罕见词" not in mapped and mapped.get("罕见词", -1) == -1 and "\ud800" not in mapped
    with pytest.raises(KeyError):
        mapped["社保"]
