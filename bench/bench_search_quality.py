"""Search quality on the real catalogue: queries typed as lobby visitors type them, scored per kind.

Run from the project root:  python bench/bench_search_quality.py  [--queries FILE] [--catalogue FILE] [--misses]

The queries are bench/data/search_queries.tsv (kind, query, the right services or "-" for something the
centre does not offer). For a query with right answers: hit@1, hit@3, hit@5 (a right service among the
first 1, 3, 5 results). For an absent thing: "nothing wrong shown" (the search answers with no service, so
the kiosk says "not here" and offers help). Printed per kind and overall; --misses lists what failed.
The exit status is 1 when a goal of issue 21 is missed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.catalogue import load_catalogue  # noqa: E402
from services.guide.search import SearchIndex  # noqa: E402

QUERIES = ROOT / "bench" / "data" / "search_queries.tsv"
CATALOGUE = ROOT / "config" / "catalogue" / "sample.json"
SHOWN = 5  # results looked at per query
# Goals: hit@5 overall and on sentences, hit@1 overall, and absent things answered "not here".
GOAL_HIT5, GOAL_SENTENCE_HIT5, GOAL_HIT1, GOAL_ABSENT = 0.95, 0.90, 0.80, 0.90


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    answers: frozenset[str]  # empty: the centre does not offer it


def read_queries(path: Path) -> list[Query]:
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            kind, text, answers = line.split("\t")
        except ValueError:
            raise SystemExit(f"{path}:{number}: expected kind<TAB>query<TAB>answers") from None
        queries.append(Query(kind, text, frozenset() if answers.strip() == "-" else frozenset(answers.split())))
    return queries


@dataclass
class Score:
    count: int = 0
    hit1: int = 0
    hit3: int = 0
    hit5: int = 0
    absent: int = 0
    absent_ok: int = 0

    def add(self, query: Query, codes: list[str]) -> bool:
        if not query.answers:
            self.absent += 1
            self.absent_ok += not codes
            return not codes
        self.count += 1
        rank = next((i for i, code in enumerate(codes) if code in query.answers), None)
        self.hit1 += rank is not None and rank < 1
        self.hit3 += rank is not None and rank < 3
        self.hit5 += rank is not None and rank < 5
        return rank == 0

    def row(self, kind: str) -> str:
        def share(part: int, whole: int) -> str:
            return f"{part / whole:6.1%}" if whole else "     -"

        return (
            f"{kind:10} {self.count + self.absent:5}  {share(self.hit1, self.count)}  {share(self.hit3, self.count)}"
            f"  {share(self.hit5, self.count)}  {share(self.absent_ok, self.absent)}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument("--misses", action="store_true", help="list every query that missed")
    args = parser.parse_args()

    index = SearchIndex(load_catalogue(args.catalogue))
    queries = read_queries(args.queries)
    scores: dict[str, Score] = {}
    total = Score()
    misses = []
    for query in queries:
        codes = [hit.code for hit in index.search(query.text, limit=SHOWN)]
        scores.setdefault(query.kind, Score()).add(query, codes)
        if not total.add(query, codes):
            misses.append((query, codes))

    print(f"{len(queries)} queries on {args.catalogue.name}; {SHOWN} results looked at per query")
    print(f"{'kind':10} {'n':>5}  {'hit@1':>6}  {'hit@3':>6}  {'hit@5':>6}  {'absent: nothing shown':>6}")
    for kind, score in scores.items():
        print(score.row(kind))
    print(total.row("overall"))
    if args.misses:
        for query, codes in misses:
            print(f"  miss {query.kind:9} {query.text!r:28} want {' '.join(sorted(query.answers)) or 'nothing'}"
                  f"  got {' '.join(codes) or 'nothing'}")
    sentences = scores.get("sentence", Score())
    met = (
        total.count and total.hit5 / total.count >= GOAL_HIT5 and total.hit1 / total.count >= GOAL_HIT1
        and (not sentences.count or sentences.hit5 / sentences.count >= GOAL_SENTENCE_HIT5)
        and (not total.absent or total.absent_ok / total.absent >= GOAL_ABSENT)
    )
    print(f"goals: hit@5 >= {GOAL_HIT5:.0%} (sentences >= {GOAL_SENTENCE_HIT5:.0%}), hit@1 >= {GOAL_HIT1:.0%}, "
          f"absent answered 'not here' >= {GOAL_ABSENT:.0%}: {'MET' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
