"""Pinyin input method quality: the kiosk's against Rime's, on what lobby visitors type.

Run from the project root:  python bench/bench_ime_quality.py  [--misses]

Cases: bench/data/ime_cases.tsv (keys, the text meant, kind: word, sentence typed in one go, initials, mixed,
single character). Each is scored top-1 (the text meant comes first) and top-5, for the kiosk's input method
(with its vocabulary: the lobby's words and the shipped catalogue's, as the kiosk runs it) and for Rime
(librime 1.8.5 through its C API, schema luna_pinyin_simp, a fresh user folder, nothing learnt: see
bench/rime_engine.py). Then the kiosk's own words: every service name and alias of the shipped catalogue,
every department, life event and place, every feedback category, typed in full and as initials (keys
spelled by pypinyin, not by the input method). Without librime the kiosk is scored alone.

The exit status is 1 when the kiosk is below Rime on a kind, or below 95% / 80% top-1 on its own words.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypinyin import Style, lazy_pinyin  # noqa: E402
from rime_engine import INSTALL_HINT, Rime, RimeUnavailable  # noqa: E402  (bench/rime_engine.py, beside this script)

from common.catalogue import load_catalogue  # noqa: E402
from common.settings import FeedbackSettings  # noqa: E402
from services.devices.ime import InputMethod  # noqa: E402
from services.devices.ime.lexicon import default_cache_dir  # noqa: E402
from services.devices.ime.vocabulary import kiosk_words, lobby_words  # noqa: E402

CASES = ROOT / "bench" / "data" / "ime_cases.tsv"
CATALOGUE = ROOT / "config" / "catalogue" / "sample.json"
KINDS = ("word", "sentence", "initials", "mixed", "single")
TOP = 5
KEYBOARD_CANDIDATES = 48  # what the keyboard asks for (screens/keyboard.py): its first five are scored
DOMAIN_TARGETS = {"full": 0.95, "initials": 0.80}


def read_cases(path: Path) -> list[tuple[str, str, str]]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or fields[2] not in KINDS:
            raise SystemExit(f"{path}:{number}: expected keys<TAB>text<TAB>one of {', '.join(KINDS)}: {line!r}")
        cases.append((fields[0], fields[1], fields[2]))
    return cases


def domain_cases(words: list[str]) -> list[tuple[str, str, str]]:
    """(keys, word, "full" or "initials") for each of the kiosk's words."""
    cases = []
    for word in words:
        syllables = lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)
        cases.append(("".join(syllables), word, "full"))
        cases.append(("".join(s[0] for s in syllables), word, "initials"))
    return cases


def score(engines: dict, cases: list[tuple[str, str, str]], misses: bool) -> dict:
    """{engine: {kind: [cases, top-1 hits, top-5 hits]}}, "all" included."""
    table: dict = {name: defaultdict(lambda: [0, 0, 0]) for name in engines}
    for keys, text, kind in cases:
        for name, candidates in engines.items():
            found = candidates(keys)
            for row in (table[name][kind], table[name]["all"]):
                row[0] += 1
                row[1] += found[:1] == [text]
                row[2] += text in found
            if misses and found[:1] != [text]:
                print(f"  miss {name:5} {kind:9} {keys:30} {text}  got {' '.join(found)}")
    return table


def percent(row: list[int], column: int) -> str:
    return f"{100 * row[column] / row[0]:5.1f}" if row[0] else "    -"


def print_table(title: str, table: dict, kinds: tuple[str, ...]) -> None:
    names = list(table)
    print(f"\n{title}")
    print(f"{'kind':10} {'cases':>5}  " + "  ".join(f"{name + ' top-1':>11} {name + ' top-5':>11}" for name in names))
    for kind in kinds:
        rows = [table[name][kind] for name in names]
        cells = "  ".join(f"{percent(row, 1):>11} {percent(row, 2):>11}" for row in rows)
        print(f"{kind:10} {rows[0][0]:5d}  {cells}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--misses", action="store_true", help="list every case whose text meant is not first")
    args = parser.parse_args()

    cases = read_cases(args.cases)
    catalogue = load_catalogue(CATALOGUE)
    own = kiosk_words(catalogue, FeedbackSettings().categories)
    ime = InputMethod.load(default_cache_dir(), vocabulary=lobby_words() + own)
    engines = {"kiosk": lambda keys: [c.text for c in ime.candidates(keys, KEYBOARD_CANDIDATES)[:TOP]]}
    rime = None
    try:
        rime = Rime()
        engines["rime"] = lambda keys: rime.candidates(keys, TOP)
    except RimeUnavailable as exc:
        print(f"Rime is not measured: {exc}\n  to compare with Rime: {INSTALL_HINT}")
    try:
        counts = {kind: sum(1 for case in cases if case[2] == kind) for kind in KINDS}
        print(f"{len(cases)} cases from {args.cases.relative_to(ROOT) if args.cases.is_relative_to(ROOT) else args.cases}: "
              + ", ".join(f"{kind} {n} ({100 * n / len(cases):.0f}%)" for kind, n in counts.items()))
        general = score(engines, cases, args.misses)
        print_table("What visitors type (% of cases)", general, (*KINDS, "all"))
        domain = score(engines, domain_cases(own), args.misses)
        print_table(f"The kiosk's own words: {len(own)} from the catalogue, places and feedback categories (% of words)",
                    domain, ("full", "initials"))
    finally:
        ime.close()
        if rime is not None:
            rime.close()

    failed = [f"own words {kind} top-1 below {target:.0%}" for kind, target in DOMAIN_TARGETS.items()
              if domain["kiosk"][kind][1] < target * domain["kiosk"][kind][0]]
    if "rime" in general:
        failed += [f"{kind} top-{TOP if column == 2 else 1} below Rime" for kind in (*KINDS, "all") for column in (1, 2)
                   if general["kiosk"][kind][column] < general["rime"][kind][column]]
    print("\n" + ("targets met" if not failed else "MISSED: " + "; ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
