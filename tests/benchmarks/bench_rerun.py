"""Server time of one dashboard rerun after a slider move, against a one-Marker-per-event baseline.

Runs dashboard.py in Streamlit's AppTest (the whole script, as the server runs it) on synthetic
events (tests/benchmarks/synth.py), moves the date slider N times per slider mode and prints the
median, then the same moves in a baseline app that draws every shown event as a folium.Marker
(the common approach). Prints a Markdown table.

AppTest reruns the whole script (a real server reruns only the date fragment on a slider
move) but, unlike the server, it recompiles the script's bytecode on every run; the benchmark
shares one bytecode cache between runs, as the server does, for both apps.

    python tests/benchmarks/bench_rerun.py                 # 1k/200, 10k/2k, 50k/10k
    python tests/benchmarks/bench_rerun.py --sizes 10000:2000 --moves 20 --baseline-moves 5
    # where the time goes:
    python tests/benchmarks/bench_rerun.py --sizes 10000:2000 --profile cumulative
    # on a busy machine:
    python tests/benchmarks/bench_rerun.py --sizes 10000:2000 --baseline-moves 0 --cpu
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geo.table.store import write_events  # noqa: E402
from tests.benchmarks.synth import events  # noqa: E402

BASELINE_APP = """
import datetime as dt
from pathlib import Path
import folium, streamlit as st
from streamlit_folium import st_folium
from geo.config import Settings
from geo.table.store import read_events
from geo.view.slices import select

s = Settings.from_env()
df = st.cache_data(read_events)(s.events_path)
days = df["event_date"].dropna()
day = st.slider("Date", min_value=days.min().date(), max_value=days.max().date(),
                value=days.max().date(), step=dt.timedelta(days=1), key="day")
mode = st.radio("Show", ["cumulative", "day", "window"], key="mode")
shown = select(df, day, mode, 7)
m = folium.Map(location=(34.75, 40.6), zoom_start=8)
for r in shown[shown["lat"].notna()].itertuples():
    folium.Marker((r.lat, r.lon), tooltip=r.place, popup=r.sentence).add_to(m)
st_folium(m, key="map", height=540, returned_objects=[])
"""


def share_bytecode_cache() -> None:
    """One ScriptCache for every AppTest run, as one server process keeps (see the docstring)."""
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    app_test.ScriptCache = runner.ScriptCache = lambda: shared


def profile_script_runs(profiler: cProfile.Profile) -> None:
    """Profile the script thread (AppTest runs the script in a thread of its own)."""
    from streamlit.testing.v1 import local_script_runner as lsr

    run = lsr.LocalScriptRunner._run_script

    def profiled(self, *args, **kwargs):
        profiler.enable()
        try:
            return run(self, *args, **kwargs)
        finally:
            profiler.disable()

    lsr.LocalScriptRunner._run_script = profiled


def timed_moves(
    app: str,
    data: Path,
    mode: str,
    moves: int,
    seed: int,
    profiler: cProfile.Profile | None = None,
    clock=time.perf_counter,
) -> list[float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["GEO_DATA_DIR"] = str(data)
    os.environ["GEO_EDITING"] = "off"
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(app, default_timeout=600)
    at.run()
    at.radio(key="mode").set_value(mode).run()
    hi = at.slider(key="day").value  # the slider opens on the last day
    rnd = random.Random(seed)
    out = []
    if profiler:
        profile_script_runs(profiler)
    for _ in range(moves):
        day = hi - dt.timedelta(days=rnd.randrange(1, 150))
        t = clock()
        at.slider(key="day").set_value(day).run()
        out.append(clock() - t)
        if at.exception:
            raise RuntimeError(at.exception[0].message)
    return out


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--sizes", default="1000:200,10000:2000,50000:10000", help="events:places,...")
    p.add_argument("--days", type=int, default=200)
    p.add_argument("--modes", default="cumulative,day,window")
    p.add_argument("--moves", type=int, default=20)
    p.add_argument("--baseline-moves", type=int, default=5, help="0 skips the baseline")
    p.add_argument(
        "--baseline-max-events",
        type=int,
        default=10000,
        help="skip the baseline above this size (it takes minutes per move)",
    )
    p.add_argument(
        "--profile", metavar="MODE", help="profile the dashboard's moves in MODE (first size only)"
    )
    p.add_argument(
        "--cpu",
        action="store_true",
        help="time each move in CPU seconds of this process (all threads), not wall time",
    )
    args = p.parse_args()
    share_bytecode_cache()
    tmp = Path(tempfile.mkdtemp(prefix="bench-rerun-"))
    baseline_app = tmp / "baseline_app.py"
    baseline_app.write_text(BASELINE_APP)
    if args.profile:
        n_events, n_places = map(int, args.sizes.split(",")[0].split(":"))
        data = tmp / "profile"
        (data / "articles").mkdir(parents=True)
        shutil.copy(ROOT / "data" / "gazetteer.csv", data)
        write_events(events(n_events, n_places, args.days), data / "events.csv")
        profiler = cProfile.Profile()
        times = timed_moves(str(ROOT / "dashboard.py"), data, args.profile, args.moves, 1, profiler)
        print(f"median {statistics.median(times) * 1000:.0f} ms (profiled, so slower)")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    clock = time.process_time if args.cpu else time.perf_counter
    print(
        f"machine: {os.cpu_count()} cores; "
        f"{args.moves} moves per cell (baseline {args.baseline_moves}); "
        f"{'CPU' if args.cpu else 'wall'} time"
    )
    print(
        "| events / places | mode | dashboard median ms "
        "| baseline (Marker each) median ms | ratio |"
    )
    print("|---|---|---|---|---|")
    try:
        for size in args.sizes.split(","):
            n_events, n_places = map(int, size.split(":"))
            data = tmp / f"data-{n_events}"
            (data / "articles").mkdir(parents=True)
            shutil.copy(ROOT / "data" / "gazetteer.csv", data)
            write_events(events(n_events, n_places, args.days), data / "events.csv")
            for mode in args.modes.split(","):
                ours = statistics.median(
                    timed_moves(str(ROOT / "dashboard.py"), data, mode, args.moves, 1, clock=clock)
                )
                base, ratio = "—", "—"
                if args.baseline_moves and n_events <= args.baseline_max_events:
                    b = statistics.median(
                        timed_moves(
                            str(baseline_app), data, mode, args.baseline_moves, 1, clock=clock
                        )
                    )
                    base, ratio = f"{b * 1000:.0f}", f"{b / ours:.0f}×"
                print(
                    f"| {n_events:,} / {n_places:,} | {mode} "
                    f"| {ours * 1000:.0f} | {base} | {ratio} |",
                    flush=True,
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
