"""Build throughput: `python -m geo build --offline` on a synthetic corpus, 1 and 2 workers.

Prints articles/s (the build function alone, and the whole command with interpreter start,
imports and the CSV write), the gazetteer index load time in a fresh process, and the peak
resident memory of each build (resource.getrusage: the build process, and the largest of its
worker processes). Each configuration runs `--repeat` times in a fresh process; the best run
is reported (the machine is shared, so the slowest runs mostly measure the neighbours).

    python tests/benchmarks/bench_build.py                 # 1,000 articles of ~700 words
    python tests/benchmarks/bench_build.py --articles 200 --workers 1 2 --repeat 3

The corpus is tests/benchmarks/synth.py's (seeded, so every run reads the same text) in a
temporary folder, with copies of data/gazetteer.csv and data/natural_features.csv so the
bundled gazetteer index in data/.index is reused rather than compiled again.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter per measurement; prints one JSON line last.
_BUILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from geo.config import Settings
from geo.table.pipeline import build_events
from geo.table.store import write_events
t1 = time.perf_counter()
settings = Settings.from_env()
df, summary = build_events(settings, workers={workers}, online=False)
t2 = time.perf_counter()
write_events(df, settings.events_path)
t3 = time.perf_counter()
print(json.dumps({{"imports": t1 - t0, "build": t2 - t1, "write": t3 - t2, "rows": len(df),
                  "articles": summary.articles,
                  "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_workers_mb":
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""

_LOAD = """
import json, time
from geo.gazetteer import saved as gazetteer_index
from geo.config import Settings
s = Settings.from_env()
t = time.perf_counter()
g = gazetteer_index.load_or_build(s.gazetteer_path, s.index_dir)
g.lookup("Hajin")
print(json.dumps({"load": time.perf_counter() - t, "entries": len(g)}))
"""


def _run(code: str, env: dict) -> dict:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"benchmark subprocess failed ({out.returncode}):\n{out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def make_corpus(folder: Path, n: int, words: int) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "benchmarks" / "synth.py"),
            "articles",
            str(n),
            str(words),
            str(folder),
        ],
        check=True,
        cwd=ROOT,
    )
    for name in ("gazetteer.csv", "natural_features.csv"):
        if (ROOT / "data" / name).exists():
            shutil.copy(ROOT / "data" / name, folder / name)


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--articles", type=int, default=1000)
    p.add_argument("--words", type=int, default=700)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--repeat", type=int, default=2, help="fresh-process runs per configuration")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        folder = Path(tmp)
        make_corpus(folder, args.articles, args.words)
        env = {**os.environ, "GEO_DATA_DIR": str(folder), "PYTHONPATH": str(ROOT)}
        _run(
            _LOAD, env
        )  # compiles the index if the sources changed, so the next load is timed warm
        loads = [_run(_LOAD, env) for _ in range(3)]
        print(
            f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}"
        )
        print(f"corpus: {args.articles} synthetic articles of ~{args.words} words")
        print(
            "gazetteer index load (fresh process, best of 3): "
            f"{min(r['load'] for r in loads):.3f} s "
            f"for {loads[0]['entries']:,} entries"
        )
        print(
            f"{'workers':>7} {'build s':>8} {'art/s':>7} {'CLI s':>7} {'CLI art/s':>9} {'rows':>7} "
            f"{'RSS build MB':>12} {'RSS worker MB':>13}"
        )
        base = None
        for workers in args.workers:
            runs = [_run(_BUILD.format(workers=workers), env) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["build"])
            rate = best["articles"] / best["build"]
            base = base or rate
            worker_rss = f"{best['rss_workers_mb']:.0f}" if workers > 1 else "-"
            print(
                f"{workers:>7} {best['build']:>8.2f} {rate:>7.0f} {best['wall']:>7.2f} "
                f"{best['articles'] / best['wall']:>9.0f} {best['rows']:>7} "
                f"{best['rss_self_mb']:>12.0f} "
                f"{worker_rss:>13}   x{rate / base:.2f}"
            )


if __name__ == "__main__":
    main()
