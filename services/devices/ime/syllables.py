"""Pinyin syllables, and splitting typed letters into them.

Letters are lower-case a-z with ``v`` for ü; ``'`` forces a syllable boundary (``xi'an``).
A token is a whole syllable, an initial standing for a syllable (``zm`` = z + m), or, last
of all, the start of a syllable still being typed (``tingsh``).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["SYLLABLES", "INITIALS", "canonical", "normalize", "readings", "segmentations"]

# Every syllable the dictionary uses (lazy_pinyin, NORMAL style, ü as v), plus the two spellings of
# lüe / nüe people type: "lve" and "lue" are the same syllable (stored as "lue").
SYLLABLES = frozenset(
    ["a", "ai", "an", "ang", "ao", "ba", "bai", "ban", "bang", "bao", "bei", "ben", "beng", "bi", "bian", "biao", "bie", "bin", "bing", "bo", "bu", "ca", "cai", "can", "cang", "cao", "ce", "cen", "ceng", "cha", "chai", "chan", "chang", "chao", "che", "chen", "cheng", "chi", "chong", "chou", "chu", "chua", "chuai", "chuan", "chuang", "chui", "chun", "chuo", "ci", "cong", "cou", "cu", "cuan", "cui", "cun", "cuo", "da", "dai", "dan", "dang", "dao", "de", "dei", "den", "deng", "di", "dia", "dian", "diao", "die", "ding", "diu", "dong", "dou", "du", "duan", "dui", "dun", "duo", "e", "ei", "en", "er", "fa", "fan", "fang", "fei", "fen", "feng", "fo", "fou", "fu", "ga", "gai", "gan", "gang", "gao", "ge", "gei", "gen", "geng", "gong", "gou", "gu", "gua", "guai", "guan", "guang", "gui", "gun", "guo", "ha", "hai", "han", "hang", "hao", "he", "hei", "hen", "heng", "hong", "hou", "hu", "hua", "huai", "huan", "huang", "hui", "hun", "huo", "ji", "jia", "jian", "jiang", "jiao", "jie", "jin", "jing", "jiong", "jiu", "ju", "juan", "jue", "jun", "ka", "kai", "kan", "kang", "kao", "ke", "ken", "keng", "kong", "kou", "ku", "kua", "kuai", "kuan", "kuang", "kui", "kun", "kuo", "la", "lai", "lan", "lang", "lao", "le", "lei", "leng", "li", "lia", "lian", "liang", "liao", "lie", "lin", "ling", "liu", "long", "lou", "lu", "luan", "lue", "lun", "luo", "lv", "lve", "ma", "mai", "man", "mang", "mao", "me", "mei", "men", "meng", "mi", "mian", "miao", "mie", "min", "ming", "miu", "mo", "mou", "mu", "na", "nai", "nan", "nang", "nao", "ne", "nei", "nen", "neng", "ni", "nian", "niang", "niao", "nie", "nin", "ning", "niu", "nong", "nou", "nu", "nuan", "nue", "nuo", "nv", "nve", "o", "ou", "pa", "pai", "pan", "pang", "pao", "pei", "pen", "peng", "pi", "pian", "piao", "pie", "pin", "ping", "po", "pou", "pu", "qi", "qia", "qian", "qiang", "qiao", "qie", "qin", "qing", "qiong", "qiu", "qu", "quan", "que", "qun", "ran", "rang", "rao", "re", "ren", "reng", "ri", "rong", "rou", "ru", "rua", "ruan", "rui", "run", "ruo", "sa", "sai", "san", "sang", "sao", "se", "sen", "seng", "sha", "shai", "shan", "shang", "shao", "she", "shei", "shen", "sheng", "shi", "shou", "shu", "shua", "shuai", "shuan", "shuang", "shui", "shun", "shuo", "si", "song", "sou", "su", "suan", "sui", "sun", "suo", "ta", "tai", "tan", "tang", "tao", "te", "teng", "ti", "tian", "tiao", "tie", "ting", "tong", "tou", "tu", "tuan", "tui", "tun", "tuo", "wa", "wai", "wan", "wang", "wei", "wen", "weng", "wo", "wu", "xi", "xia", "xian", "xiang", "xiao", "xie", "xin", "xing", "xiong", "xiu", "xu", "xuan", "xue", "xun", "ya", "yan", "yang", "yao", "ye", "yi", "yin", "ying", "yo", "yong", "you", "yu", "yuan", "yue", "yun", "za", "zai", "zan", "zang", "zao", "ze", "zei", "zen", "zeng", "zha", "zhai", "zhan", "zhang", "zhao", "zhe", "zhen", "zheng", "zhi", "zhong", "zhou", "zhu", "zhua", "zhuai", "zhuan", "zhuang", "zhui", "zhun", "zhuo", "zi", "zong", "zou", "zu", "zuan", "zui", "zun", "zuo"]
)
_SPELLING = {"lve": "lue", "nve": "nue"}
INITIALS = frozenset(["b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s", "y", "w", "zh", "ch", "sh"])
_PREFIXES = frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s)))
_LONGEST = max(map(len, SYLLABLES))
MAX_LETTERS = 96  # longer input is cut: the longest service name needs ~80
BEAM = 8  # segmentations kept per position: enough for every real ambiguity (xian / xi'an)


def canonical(syllable: str) -> str:
    """The spelling the dictionary stores: lve -> lue."""
    return _SPELLING.get(syllable, syllable)


def normalize(letters: str) -> str:
    """Lower case, ü as v, only a-z and the ' separator (runs of it collapsed, none at the ends)."""
    out: list[str] = []
    for ch in letters.lower().replace("ü", "v")[: MAX_LETTERS * 2]:
        if "a" <= ch <= "z":
            out.append(ch)
        elif ch in "' " and out and out[-1] != "'":
            out.append("'")
    return "".join(out).strip("'")[:MAX_LETTERS]


def segmentations(letters: str) -> list[tuple[str, ...]]:
    """Ways to read normalized ``letters`` as tokens, best first (fewest unfinished tokens, then
    fewest tokens, then longer tokens first): 'xian' -> [('xian',), ('xi', 'an'), ('xi', 'a', 'n')]."""
    return list(readings(normalize(letters)))


@lru_cache(maxsize=256)
def readings(letters: str) -> tuple[tuple[str, ...], ...]:
    """``segmentations`` of already normalized letters, cached: each keystroke asks again."""
    if not letters:
        return ()
    # best[i]: up to BEAM readings of letters[i:], each (partials, tokens)
    best: dict[int, list[tuple[int, tuple[str, ...]]]] = {len(letters): [(0, ())]}
    for i in range(len(letters) - 1, -1, -1):
        if letters[i] == "'":
            best[i] = best.get(i + 1, [])
            continue
        end = letters.find("'", i)
        end = len(letters) if end < 0 else end
        options: list[tuple[int, tuple[str, ...]]] = []
        for j in range(i + 1, min(end, i + _LONGEST) + 1):
            token = letters[i:j]
            # an unfinished syllable only where the typing (or a ' chunk) ends
            if not (token in SYLLABLES or token in INITIALS or (j == end and token in _PREFIXES)):
                continue
            partial = 0 if token in SYLLABLES else 1
            for rest_partials, rest in best.get(j, ()):
                options.append((partial + rest_partials, (token, *rest)))
        options.sort(key=lambda o: (o[0], len(o[1]), [-len(t) for t in o[1]]))
        best[i] = options[:BEAM]
    return tuple(tokens for _, tokens in best[0])
