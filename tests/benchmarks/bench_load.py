"""Load: N concurrent browser sessions move the date slider against one server for S seconds.

Serves dashboard.py once on 127.0.0.1 over a synthetic data dir (bench_browser.make_data:
10k events over 2k places by default), starts one headless Chromium on a loopback debugging
port, and gives each session its own thread, Playwright connection, browser context and page
(so its own Streamlit session). After every page shows its points, all sessions press the
slider's arrow keys for --seconds, each press timed to "points settled" by
bench_browser.press_and_settle (the one definition of settled). Prints errors (timeouts,
page errors, Streamlit exception boxes: should be 0), p50/p95/max key press -> points settled
and the server's peak resident memory (VmHWM). Bounded: --sessions pages, --seconds of
pressing, every wait has a timeout; nothing leaves the machine (bench_browser's routing).

    python tests/benchmarks/bench_load.py                       # 20 sessions, 60 s, 10k events
    python tests/benchmarks/bench_load.py --sessions 4 --seconds 20 --events 1000 --places 200
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_browser import make_data, peak_rss_mb  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, App, _free_port, _route  # noqa: E402
from tests.browser.mapprobe import SLIDER, WATCH, open_map, press_and_settle  # noqa: E402

STEPS_EACH_WAY = 8  # presses left, then as many right: the day stays inside the data


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: list[float] = []
        self.errors: list[str] = []

    def error(self, who: int, what: str) -> None:
        with self.lock:
            self.errors.append(f"session {who}: {what}")


# Readers arrive a few at a time (all twenty at the same second only measures start-up);
# the pressing then runs with every session at once.
LOADING = threading.Semaphore(2)


def open_page(pw, port: int, url: str, who: int, results: Results):
    browser = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{port}", timeout=60_000)
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    blocked: list[str] = []
    # Only requests leaving the machine go through Python (20 sessions routing every request
    # of the app through their threads overloaded the 2 cores); the server is reached directly.
    page.route(
        lambda u: not u.startswith("http://127.0.0.1:"), lambda route: _route(route, blocked)
    )
    page.on("pageerror", lambda exc: results.error(who, f"page error: {exc}"))
    open_map(page, url, timeout=180_000)
    page.evaluate(WATCH)
    slider = page.locator(SLIDER).first
    slider.focus()
    return page, slider


def session(
    who: int,
    port: int,
    url: str,
    ready: threading.Barrier,
    stop_at: list[float],
    quiet: int,
    results: Results,
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            with LOADING:
                page, slider = open_page(pw, port, url, who, results)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the others go on
            results.error(who, f"page did not load: {str(exc).splitlines()[0]}")
            ready.abort()
            return
        # another session failed to load (counted): press anyway
        with contextlib.suppress(threading.BrokenBarrierError):
            ready.wait(timeout=600)
        presses = 0
        while time.monotonic() < stop_at[0]:
            key = "ArrowLeft" if (presses // STEPS_EACH_WAY) % 2 == 0 else "ArrowRight"
            try:
                ms, _ = press_and_settle(page, slider, key, quiet)
                with results.lock:
                    results.times.append(ms)
            except Exception as exc:  # noqa: BLE001
                results.error(who, f"press {presses}: {str(exc).splitlines()[0]}")
            presses += 1
        boxes = page.locator('[data-testid="stException"]').count()
        if boxes:
            results.error(who, f"{boxes} Streamlit exception box(es) on the page")


def start_chromium(tmp: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            CHROMIUM,
            *CHROMIUM_ARGS,
            "--remote-debugging-address=127.0.0.1",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={tmp / 'chromium'}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # its own group: stopped whole, renderers too
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=2):
                return proc, port
        except OSError:
            time.sleep(0.2)
    stop_chromium(proc)
    raise RuntimeError("Chromium's debugging port did not answer within 60 s")


def stop_chromium(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)  # the group this script started, by its id
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--events", type=int, default=10000)
    p.add_argument("--places", type=int, default=2000)
    p.add_argument("--quiet", type=int, default=600, help="ms without change that count as settled")
    p.add_argument("--query", default="day=2019-03-10")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    app = App(make_data(tmp, args.events, args.places), tmp / "streamlit.log")
    chromium, port = start_chromium(tmp)
    results, stop_at = Results(), [float("inf")]
    ready = threading.Barrier(args.sessions + 1)
    threads = [
        threading.Thread(
            target=session,
            daemon=True,
            args=(i, port, f"{app.url}?{args.query}", ready, stop_at, args.quiet, results),
        )
        for i in range(args.sessions)
    ]
    try:
        t0 = time.monotonic()
        for t in threads:
            t.start()
        with contextlib.suppress(threading.BrokenBarrierError):
            ready.wait(timeout=600)
        loaded = time.monotonic() - t0
        stop_at[0] = time.monotonic() + args.seconds
        for t in threads:
            t.join(timeout=args.seconds + 180)
        hung = sum(t.is_alive() for t in threads)
        rss = peak_rss_mb(app.proc.pid)
    finally:
        stop_chromium(chromium)
        app.stop()
    server_errors = (tmp / "streamlit.log").read_text(errors="replace").count("Traceback")
    if server_errors:
        results.error(-1, f"{server_errors} tracebacks in the server log")
    times = results.times
    print(
        f"{args.sessions} sessions, {args.seconds:g} s of slider presses, "
        f"{args.events:,} events / {args.places:,} places; all pages loaded in {loaded:.0f} s"
    )
    print(
        f"errors: {len(results.errors) + hung}" + (f" ({hung} sessions still hung)" if hung else "")
    )
    for line in results.errors[:10]:
        print("  " + line)
    if times:
        print(
            f"key press -> points settled over {len(times)} presses: "
            f"p50 {percentile(times, 50):.0f} ms, "
            f"p95 {percentile(times, 95):.0f} ms, max {max(times):.0f} ms"
        )
    print(f"streamlit server peak RSS (VmHWM): {rss:.0f} MB")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
