"""In a real browser: slider key press -> map points settled, at 10k events; peak server memory.

Serves dashboard.py with `streamlit run` on 127.0.0.1 over a synthetic data dir
(tests/benchmarks/synth.py: N events over P places and 200 days), opens it in Debian's
headless Chromium through the browser-test harness (tests/browser/conftest.py: every
outside request aborted, so tiles fail and the offline basemap shows), then presses the
date slider's arrow key again and again. Each press is timed by
tests/browser/mapprobe.press_and_settle: from the keydown event to the animation frame
after the last change of the map's points, once the layer was swapped and nothing
changed for --quiet ms (settled). Prints the median, the CPU time per press of the Chromium
processes (by type) and of the server (from /proc: less sensitive than wall time to other
jobs on the machine), and the streamlit process's peak resident memory (VmHWM).

    python tests/benchmarks/bench_browser.py                      # 10k events / 2k places
    python tests/benchmarks/bench_browser.py --events 1000 --places 200 --presses 20
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geo.table.store import write_events  # noqa: E402
from tests.benchmarks.synth import events  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, App, _route  # noqa: E402
from tests.browser.mapprobe import POINTS, SLIDER, WATCH, press_and_settle  # noqa: E402, F401


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def chromium_cpu() -> dict[str, float]:
    """CPU seconds used so far by the Chromium processes this script started, by process type
    (other jobs on the machine may run their own Chromium)."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                children.setdefault(int(_stat(int(proc.name))[1]), []).append(int(proc.name))
            except OSError:
                continue
    used: dict[str, float] = {}
    todo = list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            # Zygote-forked children rewrite their command line as one space-separated string.
            cmdline = (
                Path(f"/proc/{pid}/cmdline")
                .read_bytes()
                .replace(b"\0", b" ")
                .decode(errors="replace")
            )
            if "chromium" in cmdline.split(" ", 1)[0]:
                kind = (
                    cmdline.split("--type=", 1)[1].split(" ", 1)[0]
                    if "--type=" in cmdline
                    else "browser"
                )
                used[kind] = used.get(kind, 0.0) + cpu_seconds(pid)
        except OSError:
            continue
    return used


def desktop_page(pw: Any, blocked: list[str]) -> tuple[Any, Any]:
    """Headless Chromium and a 1400x1000 page whose requests go through the browser tests'
    routing: loopback only, every other request aborted and listed in `blocked`."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.route("**/*", lambda route: _route(route, blocked))
    return browser, page


def make_data(tmp: Path, n_events: int, n_places: int) -> Path:
    data = tmp / "data"
    (data / "articles").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "gazetteer.csv", data)
    write_events(events(n_events, n_places, 200), data / "events.csv")
    return data


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--events", type=int, default=10000)
    p.add_argument("--places", type=int, default=2000)
    p.add_argument("--presses", type=int, default=12)
    p.add_argument("--quiet", type=int, default=600, help="ms without change that count as settled")
    p.add_argument(
        "--query",
        default="day=2019-03-10",
        help="URL query: the start day (every day before it changes the map) and mode",
    )
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    app = App(make_data(tmp, args.events, args.places), tmp / "streamlit.log")
    try:
        with sync_playwright() as pw:
            blocked: list[str] = []
            browser, page = desktop_page(pw, blocked)
            t = time.perf_counter()
            page.goto(
                app.url + (f"?{args.query}" if args.query else ""),
                wait_until="domcontentloaded",
                timeout=120_000,
            )
            page.wait_for_selector(POINTS, timeout=120_000)
            first_ms = (time.perf_counter() - t) * 1000
            page.evaluate(WATCH)
            slider = page.locator(SLIDER).first
            slider.focus()
            times, counts = [], []
            browser_before, server_before = chromium_cpu(), cpu_seconds(app.proc.pid)
            for _ in range(args.presses):
                ms, n = press_and_settle(page, slider, "ArrowLeft", args.quiet)
                times.append(ms)
                counts.append(n)
            browser_cpu = {
                k: (v - browser_before.get(k, 0.0)) * 1000 / args.presses
                for k, v in chromium_cpu().items()
            }
            server_cpu = (cpu_seconds(app.proc.pid) - server_before) * 1000 / args.presses
            browser.close()
        print(
            f"events/places: {args.events:,}/{args.places:,}; "
            f"first page with points: {first_ms:.0f} ms"
        )
        print(
            f"slider key -> points settled: median {statistics.median(times):.0f} ms, "
            f"max {max(times):.0f} ms over {len(times)} presses "
            f"(points per step {min(counts)}–{max(counts)})"
        )
        print(
            "CPU per press: Chromium "
            + ", ".join(f"{k} {v:.0f} ms" for k, v in sorted(browser_cpu.items()))
            + f"; streamlit server {server_cpu:.0f} ms"
        )
        print(f"streamlit server peak RSS (VmHWM): {peak_rss_mb(app.proc.pid):.0f} MB")
        if blocked:
            print(f"blocked requests: {len(blocked)} (e.g. {blocked[0]})")
    finally:
        app.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
