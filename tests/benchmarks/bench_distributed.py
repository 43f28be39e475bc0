"""The distributed build: articles/s on a local Dask cluster of 1 and 2 workers, the cost
split per article on one core, and a projection to many machines.

    python tests/benchmarks/bench_distributed.py    # 20,000 articles of ~700 words
    python tests/benchmarks/bench_distributed.py --articles 5000 --words 700 --workers 1 2

1. Cost split, in this process on one core (CPU time per article): analysis (recognise, rank,
   date, sentence and event type), resolution (corrections, gazetteer answer, building the
   rows), writing (the table, then data/events.csv or a Parquet partition).
2. Wall-clock articles/s of `geo.table.distributed.build_events` with a LocalCluster of N worker
   processes (cluster start-up excluded, written to Parquet), and the ratio 2 vs 1.
3. A projection from those figures (printed as such): on M machines of C cores the analysis
   divides by M*C; the client's share (name resolution, the daily table) does not.

The corpus is tests/benchmarks/synth.py's (seeded) in a temporary folder. The machine may be
shared: the numbers say what this run saw, not what the code can do on quiet cores.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from distributed import Client, LocalCluster  # noqa: E402

from geo.config import Settings  # noqa: E402
from geo.ingest.articles import load_articles  # noqa: E402
from geo.table import columnar, distributed  # noqa: E402
from geo.table.event_rows import to_frame  # noqa: E402
from geo.table.pipeline import Analyser, article_events, open_resolver  # noqa: E402
from geo.table.store import write_events  # noqa: E402
from tests.benchmarks.synth import articles as synth_articles  # noqa: E402


def cpu() -> float:
    return time.process_time()


def cost_split(settings: Settings, out: Path) -> dict[str, float]:
    """CPU ms per article for each stage, one core, index already loaded."""
    articles, _ = load_articles(settings.articles_dir)
    analyser = Analyser(settings)
    analyser.article(articles[0])  # first-use loads outside the timing
    t0 = cpu()
    analysed = [analyser.article(a) for a in articles]
    t1 = cpu()
    resolver, cache, _ = open_resolver(settings, online=False)
    rows: list[dict] = []
    for article, result in zip(articles, analysed, strict=True):
        rows += article_events(resolver, article, result, Counter())
    cache.close()
    t2 = cpu()
    table = to_frame(rows)
    write_events(table, out / "events.csv")
    t3 = cpu()
    columnar.write_partition(table, str(out / "store"), 0)
    t4 = cpu()
    n = len(articles) / 1000
    return {
        "analysis": (t1 - t0) / n,
        "resolution": (t2 - t1) / n,
        "write_csv": (t3 - t2) / n,
        "write_parquet": (t4 - t3) / n,
        "rows": len(rows),
    }


def _cpu_seconds(client: Client) -> float:
    """CPU time so far of the workers and of this process (client and scheduler)."""
    return sum(client.run(time.process_time).values()) + time.process_time()


def cluster_rate(settings: Settings, workers: int, out: Path) -> tuple[float, float]:
    """(wall-clock articles/s, CPU ms per article over all processes), start-up excluded."""
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(workers)
        t0, c0 = time.perf_counter(), _cpu_seconds(client)
        _, summary = distributed.build_events(
            settings, client=client, online=False, parquet=str(out / f"store-{workers}")
        )
        wall, spent = time.perf_counter() - t0, _cpu_seconds(client) - c0
        return summary.articles / wall, 1000 * spent / summary.articles


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--articles", type=int, default=20_000)
    p.add_argument("--words", type=int, default=700)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        synth_articles(args.articles, args.words, data)
        for name in ("gazetteer.csv", "natural_features.csv"):
            shutil.copy(ROOT / "data" / name, data / name)
        settings = Settings().with_(data_dir=data, nominatim_enabled=False)
        split = cost_split(settings, data)
        print(f"{args.articles} articles of ~{args.words} words, {split['rows']} events")
        print(
            "CPU ms per article, one core: "
            + ", ".join(f"{k} {v:.2f}" for k, v in split.items() if k != "rows"),
            flush=True,
        )
        rates = {}
        for w in args.workers:
            rates[w], cpu_ms = cluster_rate(settings, w, data)
            print(
                f"dask, {w} worker process(es): {rates[w]:.0f} articles/s (wall clock), "
                f"{cpu_ms:.2f} CPU ms per article (workers + client + scheduler)",
                flush=True,
            )
        if 1 in rates and 2 in rates:
            print(f"scaling 2 vs 1 workers: x{rates[2] / rates[1]:.2f}")
        per_core = 1000 / cpu_ms  # the last cluster run's CPU cost, Dask's overhead included
        for machines, cores in ((10, 8), (100, 8)):
            print(
                f"projection (not measured), {machines} machines x {cores} cores: "
                f"~{per_core * machines * cores:,.0f} articles/s at {per_core:.0f} articles/s per "
                "busy core; plus, in the client, one geocoder request per distinct unknown name"
            )


if __name__ == "__main__":
    main()
