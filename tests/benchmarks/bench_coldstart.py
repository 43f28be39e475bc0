"""Cold start: `streamlit run dashboard.py` to the first map points drawn, on the bundled data.

Each launch starts a new server process on a free 127.0.0.1 port (empty caches) over a copy of
data/ (editing off) and a new browser context (empty browser cache) in Debian's headless
Chromium, routed by the browser-test harness so nothing leaves the machine. The clock starts
just before the process is spawned and stops when the map holds its first point.
The browser is launched once, before the first clock starts. The server's CPU time until the
first points is printed too: on a shared machine it moves far less than the wall time.

    python tests/benchmarks/bench_coldstart.py              # median of 3 launches
    python tests/benchmarks/bench_coldstart.py --launches 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _route  # noqa: E402
from tests.browser.mapprobe import POINTS  # noqa: E402


def launch(data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "GEO_DATA_DIR": str(data), "GEO_EDITING": "off"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return proc, f"http://127.0.0.1:{port}/"


def wait_healthy(proc: subprocess.Popen, url: str, log: Path) -> float:
    """Seconds until /_stcore/health answers (polled every 20 ms: a local server)."""
    start = time.perf_counter()
    while time.perf_counter() - start < 60:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"streamlit did not answer on {url} within 60 s; see {log}")


def server_cpu(proc: subprocess.Popen) -> float | None:
    """CPU seconds (user + system) the server process has used so far; a figure that a machine
    shared with other jobs disturbs far less than wall time. Linux only (/proc)."""
    try:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--launches", type=int, default=3)
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-coldstart-"))
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    totals, healthy, cpu = [], [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            for i in range(args.launches):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.route("**/*", lambda route: _route(route, []))
                log = tmp / f"streamlit-{i}.log"
                t = time.perf_counter()
                proc, url = launch(data, log)
                try:
                    healthy.append(wait_healthy(proc, url, log))
                    page.goto(url, wait_until="commit", timeout=60_000)
                    page.wait_for_selector(POINTS, timeout=60_000)
                    totals.append(time.perf_counter() - t)
                    cpu.append(server_cpu(proc))
                finally:
                    context.close()
                    stop(proc)
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"cold start, `streamlit run` -> first map points ({len(totals)} launches): "
        f"median {statistics.median(totals):.2f} s (all: {', '.join(f'{x:.2f}' for x in totals)}); "
        f"server answering health checks after a median {statistics.median(healthy):.2f} s"
    )
    if None not in cpu:
        print(
            "server process CPU time until the first points: "
            f"median {statistics.median(cpu):.2f} s "
            f"(all: {', '.join(f'{x:.2f}' for x in cpu)})"
        )


if __name__ == "__main__":
    main()
