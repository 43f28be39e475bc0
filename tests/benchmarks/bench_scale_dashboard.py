"""The dashboard on a Parquet store of 10 M synthetic mentions (GEO_EVENTS, geo/duckview.py).

Makes the store (tests/benchmarks/synth.py `mentions_store`: 10 M mentions over 5,000 places
and 400 days, as the Dask build writes one; a few minutes, or --store PATH to reuse one), then
runs dashboard.py under Streamlit's AppTest in a fresh process and prints:

- cold start to the first points: process start to the first run's map payload (imports,
  opening the store, the first queries), the server's side of a reader's first page;
- the server rerun after a slider move, median over --moves random days per mode (AppTest
  reruns the whole script; a real server reruns only the date fragment);
- the same with a popup open (its sentences queried on every move);
- the process's peak RSS (AppTest and Streamlit included).

    python tests/benchmarks/bench_scale_dashboard.py
    python tests/benchmarks/bench_scale_dashboard.py --store /tmp/store10m --moves 20
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # noqa: E402 - before the imports the cold start counts

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def worker(store: str, moves: int, seed: int, cpu: bool) -> dict:
    """Runs in a fresh process: every figure of one dashboard session."""
    os.environ.update(GEO_EVENTS=store, GEO_EDITING="off")
    from streamlit.testing.v1 import AppTest

    from tests.benchmarks.bench_rerun import share_bytecode_cache

    share_bytecode_cache()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600).run()
    first = json.loads(at.get("bidi_component")[0].proto.bytes)["points"]["rows"]
    out: dict = {
        "cold_s": time.perf_counter() - STARTED,
        "cold_cpu_s": time.process_time(),
        "points": len(first),
    }
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    rnd = random.Random(seed)
    hi = at.slider(key="day").value
    for mode in ("cumulative", "day", "window"):
        at.radio(key="mode").set_value(mode).run()
        out[mode] = statistics.median(
            timed_move(at, hi - dt.timedelta(days=rnd.randrange(1, 390)), cpu) for _ in range(moves)
        )
    from geo.view.duckquery import Selection
    from geo.view.duckview import Store

    db = Store(store)  # the point with most mentions on the last day: the biggest popup
    busiest = db.counts(Selection(db.last)).points.sort_values("mentions")["pid"].iloc[-1]
    biggest = int(busiest)
    at.radio(key="mode").set_value("cumulative").run()
    at.session_state["map"] = {"open": biggest}
    out["popup"] = statistics.median(
        timed_move(at, hi - dt.timedelta(days=rnd.randrange(1, 30)), cpu)
        for _ in range(max(3, moves // 2))
    )
    out["rss_mb"] = peak_rss_mb()
    return out


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: ru_maxrss would count a forking parent's pages)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def timed_move(at, day: dt.date, cpu: bool) -> float:
    clock = time.process_time if cpu else time.perf_counter
    t = clock()
    at.slider(key="day").set_value(day).run()
    elapsed = clock() - t
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--store", type=Path, help="a store to use (made there if missing)")
    p.add_argument("--mentions", type=int, default=10_000_000)
    p.add_argument("--places", type=int, default=5000)
    p.add_argument("--days", type=int, default=400)
    p.add_argument("--moves", type=int, default=15)
    p.add_argument("--runs", type=int, default=1, help="fresh processes (cold starts) to run")
    p.add_argument(
        "--cpu",
        action="store_true",
        help="time moves in CPU seconds of the process (all threads), not wall time",
    )
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.moves, seed=1, cpu=args.cpu)))
        return
    store = args.store or Path(tempfile.mkdtemp(prefix="bench-scale-")) / "store"
    if not (store / "daily.parquet").exists():
        from tests.benchmarks.synth import mentions_store

        t = time.perf_counter()
        mentions_store(store, args.mentions, args.places, args.days)
        print(f"made {store} in {time.perf_counter() - t:.0f} s", flush=True)
    print(
        f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; store {store} "
        f"({args.mentions:,} mentions, {args.places:,} places, {args.days} days); "
        f"{args.moves} moves per mode; {'CPU' if args.cpu else 'wall'} time per move"
    )
    print(
        "| run | cold start to first points s (CPU s) | rerun median ms: cumulative / day / "
        "window | with a popup open ms | peak RSS MB | points |"
    )
    print("|---|---|---|---|---|---|")
    for run in range(args.runs):
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                str(store),
                "--moves",
                str(args.moves),
                *(["--cpu"] if args.cpu else []),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        ms = " / ".join(f"{r[m] * 1000:.0f}" for m in ("cumulative", "day", "window"))
        print(
            f"| {run + 1} | {r['cold_s']:.1f} ({r['cold_cpu_s']:.1f}) | {ms} | "
            f"{r['popup'] * 1000:.0f} | "
            f"{r['rss_mb']:.0f} | {r['points']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
