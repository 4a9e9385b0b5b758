"""The pinyin input method on its real dictionary (jieba's frequencies, pypinyin's readings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.devices.ime import InputMethod, normalize, segmentations
from services.devices.ime.lexicon import Lexicon, build
from services.devices.ime.syllables import MAX_LETTERS

ROOT = Path(__file__).resolve().parents[3]

# What a visitor types -> what must come first.
FIRST_CANDIDATE = [
    ("tingshui", "停水"),  # full pinyin phrase
    ("zm", "怎么"),  # initials
    ("bj", "北京"),
    ("zg", "中国"),  # z also stands for zh
    ("zhongg", "中国"),  # mixed: a whole syllable, then an initial
    ("tingsh", "听说"),  # the last syllable still being typed
    ("nihao", "你好"),
    ("shangban", "上班"),
    ("weixiu", "维修"),
    ("dianti", "电梯"),
    ("zhongguo", "中国"),
    ("xi'an", "西安"),  # ' splits xian into xi + an
    ("shebao", "社保"),
    ("gongjijin", "公积金"),
    ("sfz", "身份证"),
    ("tingdian", "停电"),
    ("kongtiao", "空调"),
    ("tousu", "投诉"),
    ("weishengjian", "卫生间"),
    ("tingchechang", "停车场"),
    ("Ting Shui", "停水"),  # case and spaces do not matter
]


@pytest.fixture(scope="module")
def cache_dir(ime_cache_dir):
    return ime_cache_dir  # tests/services/devices/conftest.py: one build for the run


@pytest.fixture(scope="module")
def ime(cache_dir):
    method = InputMethod.load(cache_dir)  # builds the dictionary file: the real one, once for the module
    yield method
    method.close()


def texts(ime, letters, limit=48):
    return [c.text for c in ime.candidates(letters, limit)]


@pytest.mark.parametrize("letters, expected", FIRST_CANDIDATE)
def test_first_candidate(ime, letters, expected):
    assert texts(ime, letters, 8)[0] == expected


def test_xian_offers_the_character_and_the_city(ime):
    first_page = texts(ime, "xian", 8)
    assert first_page[0] == "先"  # the most frequent character read xian
    assert "西安" in first_page  # xi + an is a reading of the same letters
    assert "西" not in first_page  # ...but xi alone does not spell the input


def test_lv_and_lu_umlaut_type_lü(ime):
    assert texts(ime, "lv") == texts(ime, "lü") == texts(ime, "LÜ")
    # jieba counts 率 (mostly read lü: 效率) above 绿; both open the first page.
    assert "绿" in texts(ime, "lv", 3)
    assert texts(ime, "lvse", 1) == ["绿色"]
    assert texts(ime, "lue", 1) == texts(ime, "lve", 1) == ["略"]


def test_whole_syllables_rank_above_initials_and_unfinished_syllables(ime):
    # "shu" is a whole syllable: 书 spelled out beats 水 (shui) only begun.
    first = texts(ime, "shu", 400)
    assert first.index("书") < first.index("水")
    # An initial stands for every syllable it begins (z for zen and zhe alike): then frequency decides.
    assert texts(ime, "zm", 8)[:2] == ["怎么", "这么"]
    # A syllable only begun ranks below initials: xia spelled out as a whole before xiang begun.
    xia = ime.candidates("xia", 400)
    assert [c.text for c in xia].index("下") < [c.text for c in xia].index("想")


def test_heteronyms_read_by_phrase(ime):
    assert texts(ime, "yinhang", 1) == ["银行"]  # 行 as hang inside 银行
    assert texts(ime, "xingzou", 1) == ["行走"]  # ...and as xing in 行走
    assert "行" in texts(ime, "hang", 10)  # the character itself under both readings
    assert "行" in texts(ime, "xing", 10)
    assert texts(ime, "chongqing", 1) == ["重庆"]


def test_a_pick_consumes_its_letters_and_the_rest_stays(ime):
    candidates = ime.candidates("tingshui", 48)
    by_text = {c.text: c for c in candidates}
    assert by_text["停水"].consumed_letters == "tingshui"
    assert by_text["停水"].rest("tingshui") == ""
    ting = by_text["停"]
    assert ting.consumed_letters == "ting"
    assert ting.rest("tingshui") == "shui"
    assert "水" in texts(ime, ting.rest("tingshui"), 3)


def test_characters_of_the_first_syllable_are_always_offered(ime):
    # Many two-letter words match zm; the first syllable's characters keep a page of their own.
    zm = ime.candidates("zm", 24)
    assert len(zm) == 24
    singles = [c for c in zm if len(c.text) == 1]
    assert len(singles) >= 8
    assert all(c.consumed_letters == "z" for c in singles)
    # A phrase not in the dictionary can be built piece by piece: 非常, then 满意.
    first = next(c for c in ime.candidates("feichangmanyi", 8) if c.text == "非常")
    assert first.rest("feichangmanyi") == "manyi"
    assert texts(ime, "manyi", 1) == ["满意"]


@pytest.mark.parametrize(
    "letters, sentence",
    [("feichangmanyi", "非常满意"), ("henhao", "很好"), ("kongtiaobuleng", "空调不冷"), ("kaifangshijian", "开放时间"),
     ("diantiguzhangle", "电梯故障了"), ("woyaotousu", "我要投诉")],
)
def test_input_no_word_spells_gets_the_likeliest_run_of_words_first(ime, letters, sentence):
    first = ime.candidates(letters, 8)[0]
    assert (first.text, first.consumed_letters) == (sentence, letters)
    assert texts(ime, "zmzm", 8)[0] != "怎么怎么"  # initials alone are an abbreviation, never a sentence


def test_candidates_are_unique_and_limited(ime):
    for letters in ("s", "zm", "xian", "tingshui", "zhonghuarenmingongheguo"):
        found = texts(ime, letters, 30)
        assert len(found) == len(set(found)) <= 30
    assert texts(ime, "zhonghuarenmingongheguo", 1) == ["中华人民共和国"]


@pytest.mark.parametrize("letters", ["", "'", "123", "wifi", "vvv", "🙂", "<script>", "x" * 5000, "a'" * 300])
def test_input_without_a_reading_is_harmless(ime, letters):
    found = ime.candidates(letters, 10)
    assert len(found) <= 10
    assert all(c.text and len(c.consumed_letters) <= MAX_LETTERS for c in found)


def test_segmentations():
    assert segmentations("xian")[:2] == [("xian",), ("xi", "an")]
    assert segmentations("xi'an")[0] == ("xi", "an")
    assert segmentations("tingshui")[0] == ("ting", "shui")
    assert segmentations("tingsh")[0] == ("ting", "sh")  # unfinished: the start of shui, shuo...
    assert segmentations("zhongg")[0] == ("zhong", "g")
    assert segmentations("zm") == [("z", "m")]
    assert segmentations("fangan")[:2] == [("fang", "an"), ("fan", "gan")]  # 方案 / 反感: both kept
    assert segmentations("xiang")[0] == ("xiang",)
    # Only the end may be unfinished; letters that start no syllable have no reading.
    assert segmentations("zhoui") == []  # zhou + i, zho + ui: neither reads
    assert segmentations("ii") == []
    assert len(segmentations("zhonghuarenmingongheguo")) <= 8


def test_normalize():
    assert normalize("  Ni Hao ") == "ni'hao"
    assert normalize("LÜ") == "lv"
    assert normalize("xi''an'") == "xi'an"
    assert normalize("a1-b?") == "ab"
    assert len(normalize("z" * 1000)) == MAX_LETTERS == 96  # the longest service name typed in full is ~80


def test_the_file_is_rebuilt_when_missing_stale_or_damaged(tmp_path):
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("停水 12 v\n水 900 n\n停 500 v\n听 800 v\n", encoding="utf-8")
    cache = tmp_path / "cache"
    ime = InputMethod.load(cache, dictionary)
    assert texts(ime, "tingshui") == ["停水", "听", "停"]
    ime.close()
    path = cache / Lexicon.FILE_NAME
    # Another dictionary (another size): the file no longer matches and is built again.
    dictionary.write_text("停水 12 v\n水 900 n\n停 500 v\n听 800 v\n亭 900 n\n", encoding="utf-8")
    ime = InputMethod.load(cache, dictionary)
    assert texts(ime, "ting") == ["亭", "听", "停"]
    ime.close()
    path.write_bytes(b"not a dictionary\n")
    ime = InputMethod.load(cache, dictionary)
    assert texts(ime, "ting")[0] == "亭"
    ime.close()


def test_build_writes_atomically_and_skips_what_it_cannot_read(tmp_path):
    dictionary = tmp_path / "dict.txt"
    # Latin, a reading outside the syllables (嗯: n), a character outside GB 2312 (閮), a broken line.
    dictionary.write_text("AT&T 3 nz\n停水 12 v\n嗯 5 e\n閮 900 x\nbad line\n", encoding="utf-8")
    build(tmp_path / "out.bin", dictionary)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("out")] == ["out.bin"]
    ime = InputMethod(Lexicon(tmp_path / "out.bin", dictionary))
    assert texts(ime, "tingshui") == ["停水", "停", "閮"]  # 停 seen only in 停水 still comes alone; 閮 last
    assert texts(ime, "shui") == ["水"]
    assert texts(ime, "n") == texts(ime, "atandt") == []
    ime.close()


def _kiosk_ime(cache_dir, *args, data_dir=None):
    env = dict(os.environ, KIOSK_IME_CACHE=str(cache_dir))
    if data_dir is not None:
        env["KIOSK_DATA_DIR"] = str(data_dir)  # the store seeded with the sample catalogue
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "ime", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_cli_prints_candidates_best_first(ime, cache_dir, tmp_path):
    done = _kiosk_ime(cache_dir, "tingshui", "--limit", "5", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "停水"
    assert len(lines) == 5 and set(lines) <= set(texts(ime, "tingshui", 48))
    assert _kiosk_ime(cache_dir, "xi'an", "--limit", "1", data_dir=tmp_path).stdout.splitlines() == ["西安"]
    # With the kiosk's own words, as the kiosk ranks them: the lobby's and the catalogue's.
    assert _kiosk_ime(cache_dir, "xx", "--limit", "1", data_dir=tmp_path).stdout.splitlines() == ["谢谢"]
    assert _kiosk_ime(cache_dir, "shbzkgs", "--limit", "1", data_dir=tmp_path).stdout.splitlines() == ["社会保障卡挂失"]


def test_cli_without_letters_says_what_it_needs(cache_dir):
    done = _kiosk_ime(cache_dir)
    assert done.returncode == 2
    assert "kiosk ime tingshui" in done.stderr
