"""Geoparser speed on one core: articles/s for ~700-word news articles, index load time, peak memory,
for the gazetteer alone (`--fast`) and with the named-entity model (the default).

Usage (repo root, venv active):
    python tests/benchmarks/bench_geoparse_speed.py [--articles 300] [--profile]

Articles are built deterministically by concatenating the labelled passages
(tests/data/geoparse/*.jsonl) in file order until each has ~700 words. Timed: the
in-process equivalent of the Analyser (recognise + rank), then the same with the
event dating (geo.dating.event_dates.date_mentions). The index is loaded in a fresh process so
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

from geo.config import Settings  # noqa: E402
from geo.dating.event_dates import date_mentions  # noqa: E402
from geo.gazetteer import saved as gazetteer_index  # noqa: E402
from geo.geoparse.rank import rank  # noqa: E402
from geo.geoparse.recognise import Recogniser  # noqa: E402

LOAD_SNIPPET = ("import time,sys; sys.path.insert(0, {root!r}); t=time.perf_counter(); "
                "from geo.gazetteer import saved as gazetteer_index; from geo.config import Settings; s=Settings(); "
                "g=gazetteer_index.load_or_build(s.gazetteer_path, s.index_dir); g.lookup('Hajin'); "
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


def _with_model(recognise, docs: list[str], box) -> dict:
    """CPU seconds (one process, so one core) for the default path: model load, the model's
    entities over the batch (nlp.pipe), then merging with the gazetteer and ranking."""
    from geo.geoparse import ner
    from geo.geoparse.toponyms import Toponyms
    t = time.process_time()
    ner.model()
    load = time.process_time() - t
    ner.entities(docs[:5])  # warm-up, as for the gazetteer above
    t = time.process_time()
    ents = ner.entities(docs)
    ner_s = time.process_time() - t
    both = Toponyms(recognise)
    t = time.process_time()
    found = sum(len(rank(both(d, e), box)) for d, e in zip(docs, ents, strict=True))
    return {"load": load, "ner": ner_s, "all": ner_s + time.process_time() - t, "found": found}


def _build_rss() -> float:
    """Peak RSS in MB of a whole build in a fresh process (--check: it writes nothing)."""
    subprocess.run([sys.executable, "-m", "geo", "build", "--check", "--offline", "--quiet"], cwd=ROOT,
                   capture_output=True, text=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    ap.add_argument("--synthetic", action="store_true",
                    help="news of ordinary density (tests/benchmarks/synth.py, ~28 places) instead of "
                         "the labelled passages (~63 places an article)")
    args = ap.parse_args(argv)
    s = Settings()
    gazetteer_index.load_or_build(s.gazetteer_path, s.index_dir)  # make sure the index exists before timing a load
    load = float(subprocess.run([sys.executable, "-c", LOAD_SNIPPET.format(root=str(ROOT))],
                                capture_output=True, text=True, check=True).stdout)
    gaz = gazetteer_index.load_or_build(s.gazetteer_path, s.index_dir)
    recognise = Recogniser(gaz)
    docs = synthetic_articles(args.articles) if args.synthetic else build_articles(args.articles)
    words = sum(len(d.split()) for d in docs) / len(docs)
    for d in docs[:5]:  # warm caches (wordfreq, lru caches) as a long-running worker would have them
        rank(recognise(d), s.viewbox)
    published = dt.date(2019, 3, 3)
    prof = cProfile.Profile() if args.profile else None
    if prof:
        prof.enable()
    t = time.process_time()  # CPU time: other jobs on a shared machine do not count
    found = sum(len(rank(recognise(d), s.viewbox)) for d in docs)
    places_s = time.process_time() - t
    if prof:
        prof.disable()
    t = time.process_time()
    for d in docs:
        ms = rank(recognise(d), s.viewbox)
        date_mentions(d, published, [(m.start, m.end) for m in ms])
    dated_s = time.process_time() - t
    fast_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    model = _with_model(recognise, docs, s.viewbox)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {len(docs)} of {words:.0f} words on average, {found / len(docs):.1f} places each")
    print(f"index load (fresh process): {load:.2f} s")
    print(f"recognise + rank: {len(docs) / places_s:.0f} articles/s ({1000 * places_s / len(docs):.2f} ms each)")
    print(f"recognise + rank + dates: {len(docs) / dated_s:.0f} articles/s ({1000 * dated_s / len(docs):.2f} ms each)")
    print(f"with the model (default), CPU time: load {model['load']:.2f} s; entities "
          f"{len(docs) / model['ner']:.1f} articles/s; entities + merge + rank "
          f"{len(docs) / model['all']:.1f} articles/s ({1000 * model['all'] / len(docs):.0f} ms each), "
          f"{model['found'] / len(docs):.1f} places each")
    print(f"peak RSS: {fast_rss:.0f} MB gazetteer only, {rss_mb:.0f} MB with the model")
    print(f"peak RSS of `python -m geo build --check --offline` (bundled corpus): {_build_rss():.0f} MB")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(18)
    return 0


if __name__ == "__main__":
    sys.exit(main())
