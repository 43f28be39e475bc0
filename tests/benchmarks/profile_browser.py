"""Where a slider press's browser time goes: Chrome DevTools' CPU profile and trace of N presses.

Serves the dashboard over synthetic data as bench_browser.py does, presses the slider's arrow key
once to warm up, then records N presses with CDP `Profiler` (JavaScript samples) and `Tracing`
(the main thread's tasks with their CPU time, raster and compositor threads). Prints the renderer
main thread's CPU per press split by the Streamlit element whose code the samples ran in, and
the other threads' CPU per press. The profiler slows the page: compare runs, not absolute times.

    python tests/benchmarks/profile_browser.py                 # 10k events / 2k places, 6 presses
    python tests/benchmarks/profile_browser.py --presses 10 --save /tmp/press  # also .json files
"""

from __future__ import annotations

import argparse
import bisect
import collections
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.bench_browser import desktop_page, make_data  # noqa: E402
from tests.browser.conftest import App  # noqa: E402
from tests.browser.mapprobe import POINTS, SLIDER, WATCH, press_and_settle  # noqa: E402

# Script file name prefixes of Streamlit's front-end chunks -> what the reader sees.
ELEMENTS = {
    "ArrowVegaLiteChart": "timeline (Vega)",
    "embed": "timeline (Vega)",
    "vega-": "timeline (Vega)",
    "Quiver": "Arrow data",
    "StreamlitMarkdown": "Markdown",
    "BidiComponent": "map component",
    "Slider": "slider",
    "protobuf": "messages",
}
CATEGORIES = ["devtools.timeline", "v8", "disabled-by-default-devtools.timeline"]


def record(page, presses: int) -> tuple[dict, list[dict], list[float]]:
    """Profile and trace `presses` presses of the focused slider."""
    cdp = page.context.new_cdp_session(page)
    events: list[dict] = []
    done: list[bool] = []
    cdp.on("Tracing.dataCollected", lambda p: events.extend(p["value"]))
    cdp.on("Tracing.tracingComplete", lambda p: done.append(True))
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
    cdp.send(
        "Tracing.start",
        {"traceConfig": {"includedCategories": CATEGORIES}, "transferMode": "ReportEvents"},
    )
    cdp.send("Profiler.start")
    slider = page.locator(SLIDER).first
    times = [press_and_settle(page, slider, "ArrowLeft")[0] for _ in range(presses)]
    profile = cdp.send("Profiler.stop")["profile"]
    cdp.send("Tracing.end")
    while not done:
        page.wait_for_timeout(100)
    return profile, events, times


def element_of(profile: dict) -> dict[int, str]:
    """Each profile node -> the innermost Streamlit element (or the map script) on its stack."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    found: dict[int, str] = {}
    for nid in nodes:
        x: int | None = nid
        while x is not None and nid not in found:
            url = nodes[x]["callFrame"]["url"].rsplit("/", 1)[-1]
            if len(url) == 36 and url.count("-") == 4:  # the component's script (a blob URL)
                found[nid] = "map component"
            for prefix, name in ELEMENTS.items():
                if nid not in found and url.startswith(prefix):
                    found[nid] = name
            x = parent.get(x)
        name = nodes[nid]["callFrame"]["functionName"]
        found.setdefault(nid, name if name.startswith("(") else "other (React, styles, page)")
    return found


def main_thread_split(profile: dict, events: list[dict]) -> collections.Counter[str]:
    """The renderer main thread's task CPU time, shared out by the samples taken in each task."""
    names = thread_names(events)
    main = next(k for k, v in names.items() if v == "CrRendererMain")
    label = element_of(profile)
    stamps, samples, t = [], [], profile["startTime"]
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        t += delta
        stamps.append(t)
        samples.append(label[sample])
    split: collections.Counter[str] = collections.Counter()
    for e in events:
        if (e.get("pid"), e.get("tid")) != main or e.get("name") != "RunTask" or "tdur" not in e:
            continue
        lo = bisect.bisect_left(stamps, e["ts"])
        hi = bisect.bisect_left(stamps, e["ts"] + e["dur"])
        seen = collections.Counter(s for s in samples[lo:hi] if s != "(idle)")
        seen = seen or collections.Counter({"(no samples)": 1})
        total = sum(seen.values())
        for name, n in seen.items():
            split[name] += e["tdur"] * n / total
    return split


def thread_names(events: list[dict]) -> dict[tuple[int, int], str]:
    return {
        (e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"
    }


def other_threads(events: list[dict]) -> collections.Counter[str]:
    names = thread_names(events)
    used: collections.Counter[str] = collections.Counter()
    for e in events:
        thread = names.get((e.get("pid"), e.get("tid")), "?")
        task = e.get("name") in ("RunTask", "RasterTask") and "tdur" in e
        if task and thread != "CrRendererMain":
            used[f"{thread}/{e['name']}"] += e["tdur"]
    return used


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--events", type=int, default=10000)
    p.add_argument("--places", type=int, default=2000)
    p.add_argument("--presses", type=int, default=6)
    p.add_argument("--save", type=Path, help="write PREFIX.cpuprofile and PREFIX.trace.json")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="profile-browser-"))
    app = App(make_data(tmp, args.events, args.places), tmp / "streamlit.log")
    try:
        with sync_playwright() as pw:
            browser, page = desktop_page(pw, [])
            page.goto(app.url + "?day=2019-03-10", wait_until="domcontentloaded", timeout=120_000)
            page.wait_for_selector(POINTS, timeout=120_000)
            page.evaluate(WATCH)
            page.locator(SLIDER).first.focus()
            press_and_settle(page, page.locator(SLIDER).first, "ArrowLeft")  # warm-up
            profile, events, times = record(page, args.presses)
            browser.close()
    finally:
        app.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    if args.save:
        Path(f"{args.save}.cpuprofile").write_text(json.dumps(profile))
        Path(f"{args.save}.trace.json").write_text(json.dumps(events))
    report(profile, events, times)


def report(profile: dict, events: list[dict], times: list[float]) -> None:
    n = len(times)
    split = main_thread_split(profile, events)
    print("settled (profiled) ms:", ", ".join(f"{t:.0f}" for t in times))
    print(f"renderer main thread CPU per press: {sum(split.values()) / 1000 / n:.0f} ms")
    for name, us in split.most_common():
        print(f"  {us / 1000 / n:7.0f} ms  {name}")
    print("other threads, CPU per press:")
    for name, us in other_threads(events).most_common(6):
        print(f"  {us / 1000 / n:7.0f} ms  {name}")


if __name__ == "__main__":
    main()
