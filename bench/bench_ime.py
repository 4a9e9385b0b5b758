"""Pinyin input method: candidate lookup per keystroke, dictionary load time, and memory.

Run from the project root:  python bench/bench_ime.py  [--rounds R] [--skip-build]

Keystroke latency is printed next to a baseline measured in the same run on the same keystrokes: a
plain dict lookup of the same answers, precomputed (the floor any lookup table could reach). Load
times are printed next to reading jieba's dict.txt once. The exit status is 1 when the p99 or the
memory target is missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil  # noqa: E402
from timing import percentile, time_each  # noqa: E402  (bench/timing.py, beside this script)

from common.catalogue import load_catalogue  # noqa: E402
from common.paths import SAMPLE_CATALOGUE_FILE  # noqa: E402
from common.settings import FeedbackSettings  # noqa: E402
from services.devices.ime import InputMethod, input_method, syllables  # noqa: E402
from services.devices.ime.lexicon import Lexicon, default_cache_dir, jieba_dictionary  # noqa: E402
from services.devices.ime.vocabulary import kiosk_words, lobby_words  # noqa: E402

TARGET_P99_MS = 10.0
TARGET_RESIDENT_MIB = 60.0  # what the input method adds to the kiosk's process, its file's pages included
CANDIDATES = 48  # what the keyboard asks for per keystroke

# What visitors type at a lobby kiosk: feedback phrases, service names, initials; every prefix is a keystroke.
PHRASES = [
    "tingshui", "loushui", "diantiguzhang", "kongtiaobuleng", "dengbuliang", "weishengjian", "tingchechang",
    "zm", "bj", "sfz", "wsj", "gjj", "nihao", "xiexie", "feichangmanyi", "bumanyi", "fuwutaidu", "shangban",
    "weixiu", "dianti", "zhongguo", "xian", "xi'an", "lvse", "shebao", "gongjijin", "shenfenzheng", "yibao",
    "banshidating", "zhonghuarenmingongheguo", "qingjinkuaichuli", "zhongg", "tingsh",
    # sentences typed in one go, and the longest service names typed in full (the whole lattice each keystroke)
    "tingshuile", "jidiankaimen", "zenmejiaofei", "weishengjianzaijilou", "shenfenzhengdiulezenmeban",
    "chengzhenzhigongjibenyanglaobaoxiancanbaodengji", "qiyeshixingbudingshigongzuozhihezonghejisuangongshigongzuozhishenpi",
]


def keystrokes(phrases: list[str]) -> list[str]:
    return [p[:i] for p in phrases for i in range(1, len(p) + 1)]


def _forget_caches(ime: InputMethod) -> None:
    # A real keystroke is mostly input never seen before: no warm segmentation or regex caches.
    syllables.readings.cache_clear()
    input_method._pattern.cache_clear()
    ime.forget()






def _memory_mib() -> tuple[float, float]:
    """(resident, anonymous): resident counts the mapped file's pages; anonymous is the heap alone."""
    info = psutil.Process().memory_info()
    return info.rss / 2**20, (info.rss - info.shared) / 2**20


def cold_build(cache_dir: Path) -> tuple[float, float]:
    """Seconds and peak MiB of `kiosk ime --build` in a child process, as the kiosk runs it."""
    env = dict(os.environ, KIOSK_IME_CACHE=str(cache_dir))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kiosk", "ime", "--build"], env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-build", action="store_true", help="reuse the built dictionary file (default_cache_dir)")
    args = parser.parse_args()

    dictionary = jieba_dictionary()
    start = time.perf_counter()
    dictionary.read_bytes().splitlines()
    read_ms = (time.perf_counter() - start) * 1000

    with tempfile.TemporaryDirectory(prefix="bench-ime-") as scratch:
        cache_dir = default_cache_dir() if args.skip_build else Path(scratch)
        if not args.skip_build:
            build_s, build_peak = cold_build(cache_dir)
            size = (cache_dir / Lexicon.FILE_NAME).stat().st_size / 2**20
            print(f"cold build         {build_s:7.2f} s    (child process, peak RSS {build_peak:.0f} MiB; file {size:.1f} MiB;"
                  f" reading dict.txt alone {read_ms:.0f} ms; once per machine)")

        gc.collect()
        rss_before, heap_before = _memory_mib()
        opens = []
        for _ in range(20):
            start = time.perf_counter()
            ime = InputMethod.load(cache_dir)
            opens.append((time.perf_counter() - start) * 1000)
            ime.close()
        open_ms = percentile(opens, 50)
        print(f"cached load p50    {open_ms:7.2f} ms   (reading jieba's dict.txt {read_ms:.1f} ms; ratio {open_ms / read_ms:.2f}x)")

        # As the kiosk runs it: with the lobby's and the shipped catalogue's words.
        vocabulary = lobby_words() + kiosk_words(load_catalogue(SAMPLE_CATALOGUE_FILE), FeedbackSettings().categories)
        start = time.perf_counter()
        ime = InputMethod.load(cache_dir, vocabulary=vocabulary)
        vocabulary_ms = (time.perf_counter() - start) * 1000
        rss_open, heap_open = _memory_mib()
        print(f"open + vocabulary  {vocabulary_ms:7.2f} ms   ({ime.vocabulary_size} words of the kiosk's own, read from the dictionary file)")
        keys = keystrokes(PHRASES)
        answers = {k: ime.candidates(k, CANDIDATES) for k in keys}
        # Each round starts cold (also the lattice's remembered words: forget() drops them, as after a
        # visitor); within a phrase each keystroke reuses what the one before looked up, as in use.
        timed = time_each(lambda k: ime.candidates(k, CANDIDATES), keys, args.rounds, lambda: _forget_caches(ime))
        cpu = time_each(lambda k: ime.candidates(k, CANDIDATES), keys, args.rounds, lambda: _forget_caches(ime),
                        clock=time.process_time)
        table = time_each(answers.get, keys, args.rounds)
        rss_used, heap_used = _memory_mib()
        mapped = ime.mapped_bytes / 2**20
        ime.close()

    b50, b99 = percentile(table, 50), percentile(table, 99)
    t50, t99, tmax = percentile(timed, 50), percentile(timed, 99), max(timed)
    print(f"keystrokes         {len(keys)} prefixes of {len(PHRASES)} phrases x {args.rounds} rounds, {CANDIDATES} candidates, cold caches")
    print(f"lookup p50         {t50:7.3f} ms   (precomputed dict lookup p50 {b50 * 1000:.2f} us; ratio {t50 / b50:.0f}x)")
    print(f"lookup p99         {t99:7.3f} ms   (precomputed dict lookup p99 {b99 * 1000:.2f} us; ratio {t99 / b99:.0f}x)")
    print(f"lookup p99 CPU     {percentile(cpu, 99):7.3f} ms   (CPU time of the same keystrokes: what a busy machine's other"
          f" processes do not inflate)")
    steady = [min(timed[i + r * len(keys)] for r in range(args.rounds)) for i in range(len(keys))]
    print(f"lookup max         {tmax:7.3f} ms   (slowest keystroke at its best of {args.rounds} rounds {max(steady):.3f} ms:"
          f" the rest is the machine's noise)")
    print(f"memory             after opening +{rss_open - rss_before:.1f} MiB RSS (+{heap_open - heap_before:.1f} heap);"
          f" after every keystroke +{rss_used - rss_before:.1f} MiB RSS (+{heap_used - heap_before:.1f} heap),"
          f" the rest being pages of the {mapped:.1f} MiB mapped file (shared with the page cache, reclaimable)")
    verdict = "OK" if t99 < TARGET_P99_MS else "MISSED"
    print(f"target p99 < {TARGET_P99_MS:g} ms: {verdict}")
    resident = rss_used - rss_before
    memory_verdict = "OK" if resident < TARGET_RESIDENT_MIB else "MISSED"
    print(f"target resident < {TARGET_RESIDENT_MIB:g} MiB: {memory_verdict} (+{resident:.1f} MiB, mapped pages included)")
    return 0 if verdict == memory_verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
