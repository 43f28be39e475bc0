"""Geoparser speed on one core: articles/s for ~700-word news articles, index load time,
peak memory, for the gazetteer alone (`--fast`) and with the named-entity model (the default).

Usage (repo root, venv active; taskset pins it to one core):
    taskset -c 0 python tests/benchmarks/bench_geoparse_speed.py [--synthetic] [--articles N]
        [--profile]

Articles are built deterministically by concatenating the labelled passages
(tests/data/geoparse/*.jsonl) in file order until each has ~700 words. Timed: the
in-process equivalent of the Analyser (recognise + rank), then the same with the
event dating (geo.dating.event_dates.date_mentions). The index is loaded in a fresh process so
the load time is the cold-start cost a new worker pays. The default path is timed as the
build runs it: entities for ner.BATCH articles at a time, then merge, rank and dates.
Times are CPU seconds of this one process, and the BLAS libraries are held to one thread,
so articles/s are per core. Builds' peak memory is measured first, in fresh processes.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "BLIS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy loads: no BLAS thread pool on other cores

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geo.config import Settings  # noqa: E402
from geo.dating.event_dates import date_mentions  # noqa: E402
from geo.gazetteer import saved as gazetteer_index  # noqa: E402
from geo.geoparse.rank import rank  # noqa: E402
from geo.geoparse.recognise import Recogniser  # noqa: E402

LOAD_SNIPPET = (
    "import time,sys; sys.path.insert(0, {root!r}); t=time.perf_counter(); "
    "from geo.gazetteer import saved as gazetteer_index; "
    "from geo.config import Settings; s=Settings(); "
    "g=gazetteer_index.load_or_build(s.gazetteer_path, s.index_dir); g.lookup('Hajin'); "
    "print(time.perf_counter()-t)"
)


def build_articles(n: int, words: int = 700) -> list[str]:
    passages = []
    for path in sorted((ROOT / "tests" / "data" / "geoparse").glob("*.jsonl")):
        passages += [
            json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()
        ]
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


def _with_model(recognise, docs: list[str], box, published) -> dict:
    """CPU seconds (one process, so one core) for the default path: model load, the model's
    entities (ner.BATCH articles a call, as the build does), merging with the gazetteer and
    ranking, then event dating."""
    from geo.geoparse import ner
    from geo.geoparse.toponyms import Toponyms

    t = time.process_time()
    ner.model()
    load = time.process_time() - t
    ner.entities(docs[:5])  # warm-up, as for the gazetteer above
    t = time.process_time()
    step = ner.BATCH
    ents = [e for at in range(0, len(docs), step) for e in ner.entities(docs[at : at + step])]
    ner_s = time.process_time() - t
    both = Toponyms(recognise)
    t = time.process_time()
    ranked = [rank(both(d, e), box) for d, e in zip(docs, ents, strict=True)]
    merged_s = time.process_time() - t
    t = time.process_time()
    for d, ms in zip(docs, ranked, strict=True):
        date_mentions(d, published, [(m.start, m.end) for m in ms])
    return {
        "load": load,
        "ner": ner_s,
        "all": ner_s + merged_s,
        "dated": ner_s + merged_s + time.process_time() - t,
        "found": sum(map(len, ranked)),
    }


def _build_rss(*flags: str) -> float:
    """Peak RSS in MB of a whole build in a fresh process (--check: it writes nothing)."""
    cmd = [sys.executable, "-m", "geo", "build", "--check", "--offline", "--quiet", *flags]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return os.wait4(proc.pid, 0)[2].ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument(
        "--profile", action="store_true", help="print the top functions by cumulative time"
    )
    ap.add_argument(
        "--synthetic",
        action="store_true",
        help="news of ordinary density (tests/benchmarks/synth.py, ~28 places) instead of "
        "the labelled passages (~63 places an article)",
    )
    args = ap.parse_args(argv)
    s = Settings()
    # Builds first, while this process is small (a child's peak can start from its parent's).
    build_rss = {"default": _build_rss(), "--fast": _build_rss("--fast")}
    gazetteer_index.load_or_build(
        s.gazetteer_path, s.index_dir
    )  # make sure the index exists before timing a load
    load = float(
        subprocess.run(
            [sys.executable, "-c", LOAD_SNIPPET.format(root=str(ROOT))],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    gaz = gazetteer_index.load_or_build(s.gazetteer_path, s.index_dir)
    recognise = Recogniser(gaz)
    docs = synthetic_articles(args.articles) if args.synthetic else build_articles(args.articles)
    words = sum(len(d.split()) for d in docs) / len(docs)
    for d in docs[
        :5
    ]:  # warm caches (wordfreq, lru caches) as a long-running worker would have them
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
    model = _with_model(recognise, docs, s.viewbox, published)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"articles: {len(docs)} of {words:.0f} words on average, "
        f"{found / len(docs):.1f} places each"
    )
    print(f"index load (fresh process): {load:.2f} s")
    n = len(docs)
    print(
        f"--fast, per core: recognise + rank {n / places_s:.0f} articles/s "
        f"({1000 * places_s / n:.2f} ms each); + dates {n / dated_s:.0f} articles/s "
        f"({1000 * dated_s / n:.2f} ms each)"
    )
    print(
        f"default (model + gazetteer), per core: model load {model['load']:.2f} s; entities "
        f"{n / model['ner']:.1f} articles/s; + merge + rank {n / model['all']:.1f} articles/s; "
        f"+ dates {n / model['dated']:.1f} articles/s ({1000 * model['dated'] / n:.0f} ms each), "
        f"{model['found'] / n:.1f} places each"
    )
    print(
        f"peak RSS of this process: {fast_rss:.0f} MB gazetteer only, "
        f"{rss_mb:.0f} MB with the model"
    )
    print(
        "peak RSS of `python -m geo build --check --offline` (bundled corpus): "
        f"{build_rss['default']:.0f} MB, with --fast {build_rss['--fast']:.0f} MB"
    )
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(18)
    return 0


if __name__ == "__main__":
    sys.exit(main())
