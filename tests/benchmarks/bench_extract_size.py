"""Is `python -m geo extract` linear in the size of one text? CPU seconds for one huge text.

Usage (repo root, venv active):
    python tests/benchmarks/bench_extract_size.py [--sizes 0.25 0.5 1 2]
        [--shapes briefs run-on dates]

Each text is one article of the given size (MB of characters), built by repeating:
  briefs   the bundled briefs (data/articles/briefs), place- and date-dense campaign news;
  run-on   campaign sentences with their full stops removed: one sentence the size of the text;
  dates    a place and a date every few words ("Hajin on 3 March, Baghouz on Friday, ...").
Timed: the extract work per text (recognise, rank, date: geo.table.pipeline.Analyser) in this
process, CPU seconds (time.process_time), after the index is loaded. Linear means the
seconds per MB stay flat as the size doubles. The texts are over the CLI's size limit
(geo.ingest.formats.MAX_TEXT_CHARS) on purpose: this measures the code, not the guard.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geo.config import Settings  # noqa: E402
from geo.table.pipeline import Analyser  # noqa: E402


def _briefs() -> str:
    texts = [
        p.read_text(encoding="utf-8").split("---", 2)[2].strip()
        for p in sorted((ROOT / "data" / "articles" / "briefs").glob("*.md"))
    ]
    return "\n\n".join(texts) + "\n\n"


def unit(shape: str) -> str:
    """The passage repeated to make a text of `shape`."""
    if shape == "briefs":
        return _briefs()
    if shape == "run-on":
        return re.sub(r"[.!?]\s+|\n+", ", ", _briefs())
    if shape == "dates":
        return (
            "Hajin on 3 March, Baghouz on Friday, Susah in January 2019, "
            "al-Shafa since 2014, Deir ez-Zor two days ago, "
        )
    raise ValueError(f"unknown shape {shape!r}")


def make_text(shape: str, megabytes: float) -> str:
    piece, size = unit(shape), int(megabytes * 1_000_000)
    return (piece * (size // len(piece) + 1))[:size]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.25, 0.5, 1, 2])
    ap.add_argument("--shapes", nargs="+", default=["briefs", "run-on", "dates"])
    args = ap.parse_args(argv)
    analyse = Analyser(Settings())
    analyse("Fighters reached Hajin, Syria, on Friday.", dt.date(2019, 3, 3))  # lazy loads
    print(f"{'shape':8} {'MB':>5} {'places':>8} {'CPU s':>7} {'s/MB':>6}")
    for shape in args.shapes:
        for mb in args.sizes:
            text = make_text(shape, mb)
            t0 = time.process_time()
            mentions, _ = analyse(text, dt.date(2019, 3, 3))
            cpu = time.process_time() - t0
            print(f"{shape:8} {mb:5g} {len(mentions):8d} {cpu:7.2f} {cpu / mb:6.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
