"""Geoparser speed on one core: articles/s for ~700-word news articles, index load time, peak memory.

Usage (repo root, venv active):
    python tests/benchmarks/bench_geoparse_speed.py [--articles 300] [--profile]

Articles are built deterministically by concatenating the labelled passages
(tests/data/geoparse/*.jsonl) in file order until each has ~700 words. Timed: the
in-process equivalent of the Analyser (recognise + rank), then the same with the
event dating (geo.dates.date_mentions). The index is loaded in a fresh process so
the load time is the cold-start cost a new worker pays.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geo import gazetteer  # noqa: E402
from geo.config import Settings  # noqa: E402
from geo.dates import date_mentions  # noqa: E402
from geo.places import Recogniser  # noqa: E402
from geo.ranking import rank  # noqa: E402

LOAD_SNIPPET = ("import time,sys; sys.path.insert(0, {root!r}); t=time.perf_counter(); "
                "from geo import gazetteer; from geo.config import Settings; s=Settings(); "
                "g=gazetteer.load_or_build(s.gazetteer_path, s.index_dir); g.lookup('Hajin'); "
                "print(time.perf_counter()-t)")


def build_articles(n: int, words: int = 700) -> list[str]:
    passages = []
    for path in sorted((ROOT / "tests" / "data" / "geoparse").glob("*.jsonl")):
        passages += [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    out, i = [], 0
    while len(out) < n:
        parts, count = [], 0
        while count < words:
            text = passages[i % len(passages)]
            parts.append(text)
            count += len(text.split())
            i += 1
        out.append("\n\n".join(parts))
    return out


def synthetic_articles(n: int, words: int = 700) -> list[str]:
    import random

    from tests.benchmarks.synth import article_text
    rnd = random.Random(11)
    return [article_text(rnd, words) for _ in range(n)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    ap.add_argument("--synthetic", action="store_true",
                    help="news of ordinary density (tests/benchmarks/synth.py, ~28 places) instead of "
                         "the labelled passages (~63 places an article)")
    args = ap.parse_args(argv)
    s = Settings()
    gazetteer.load_or_build(s.gazetteer_path, s.index_dir)  # make sure the index exists before timing a load
    load = float(subprocess.run([sys.executable, "-c", LOAD_SNIPPET.format(root=str(ROOT))],
                                capture_output=True, text=True, check=True).stdout)
    gaz = gazetteer.load_or_build(s.gazetteer_path, s.index_dir)
    recognise = Recogniser(gaz)
    docs = synthetic_articles(args.articles) if args.synthetic else build_articles(args.articles)
    words = sum(len(d.split()) for d in docs) / len(docs)
    for d in docs[:5]:  # warm caches (wordfreq, lru caches) as a long-running worker would have them
        rank(recognise(d), s.viewbox)
    published = dt.date(2019, 3, 3)
    prof = cProfile.Profile() if args.profile else None
    if prof:
        prof.enable()
    t = time.perf_counter()
    found = sum(len(rank(recognise(d), s.viewbox)) for d in docs)
    places_s = time.perf_counter() - t
    if prof:
        prof.disable()
    t = time.perf_counter()
    for d in docs:
        ms = rank(recognise(d), s.viewbox)
        date_mentions(d, published, [(m.start, m.end) for m in ms])
    dated_s = time.perf_counter() - t
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {len(docs)} of {words:.0f} words on average, {found / len(docs):.1f} places each")
    print(f"index load (fresh process): {load:.2f} s")
    print(f"recognise + rank: {len(docs) / places_s:.0f} articles/s ({1000 * places_s / len(docs):.2f} ms each)")
    print(f"recognise + rank + dates: {len(docs) / dated_s:.0f} articles/s ({1000 * dated_s / len(docs):.2f} ms each)")
    print(f"peak RSS: {rss_mb:.0f} MB")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(18)
    return 0


if __name__ == "__main__":
    sys.exit(main())
