"""The command line's arguments: one subparser per command."""

from __future__ import annotations

import argparse

from geo.ingest.formats import MAX_TEXT_CHARS

FAST_HELP = "gazetteer only, no named-entity model: ~10x quicker, misses names no list holds"


def parser(description: str | None = None) -> argparse.ArgumentParser:
    """The parser of `python -m geo`; `args.command` names the command."""
    out = argparse.ArgumentParser(prog="python -m geo", description=description)
    sub = out.add_subparsers(dest="command", required=True)
    _add_build(sub.add_parser("build", help="articles in data/articles -> data/events.csv"))
    _add_extract(
        sub.add_parser(
            "extract",
            help="JSON Lines {id, text, date?} -> places with offsets",
            description=f"One JSON object per line in, one per line out. A line that "
            f"cannot be used (not UTF-8, not JSON, text not a string, date not "
            f"YYYY-MM-DD, text over {MAX_TEXT_CHARS:,} characters) is reported on "
            f"stderr as FILE:LINE: skipped: REASON; the run goes on (exit status 1).",
        )
    )
    return out


def _add_build(b: argparse.ArgumentParser) -> None:
    b.add_argument(
        "--check", action="store_true", help="verify data/events.csv is up to date; write nothing"
    )
    b.add_argument("--workers", type=int, default=1, help="processes for recognition and dating")
    b.add_argument(
        "--offline", action="store_true", help="never use the network, whatever the settings say"
    )
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="dask: analyse on a Dask cluster (a local one of --workers processes by default)",
    )
    b.add_argument(
        "--scheduler", help="with --engine dask: the scheduler address, e.g. tcp://10.0.0.5:8786"
    )
    b.add_argument(
        "--input",
        help="with --engine dask: an articles folder, or .jsonl/.parquet "
        "files (a path, glob or fsspec URL); default: the data folder's articles",
    )
    b.add_argument(
        "--parquet",
        help="with --engine dask: write a Parquet dataset here (folder or URL) "
        "instead of data/events.csv",
    )
    b.add_argument("--fast", action="store_true", help=FAST_HELP)


def _add_extract(e: argparse.ArgumentParser) -> None:
    e.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    e.add_argument("--offline", action="store_true", help="guarantee no network")
    e.add_argument("--fast", action="store_true", help=FAST_HELP)
