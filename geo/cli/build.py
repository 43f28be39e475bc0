"""The build command: the events table built locally or on Dask, then checked or written."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

from tqdm import tqdm

from geo.config import Settings
from geo.table.store import events_csv, write_events

if TYPE_CHECKING:  # for annotations only: the pipeline's imports are slow
    import pandas as pd

    from geo.table.pipeline import Summary


def build(args: argparse.Namespace, settings: Settings) -> int:
    """`python -m geo build`: its exit status."""
    from geo.table.pipeline import build_events

    online = False if args.offline else None
    if args.engine != "dask" and (args.scheduler or args.input or args.parquet):
        print("--scheduler, --input and --parquet need --engine dask", file=sys.stderr)
        return 2
    if args.engine == "dask":
        df, summary = _build_dask(args, settings, online)
        if df is None:
            return 0
    else:
        df, summary = build_events(
            settings,
            workers=args.workers,
            online=online,
            fast=args.fast,
            progress=lambda it: tqdm(
                it, desc="articles", unit="art", disable=args.quiet, file=sys.stderr
            ),
        )
    if args.check:
        if not _matches(df, settings):
            return 1
    else:
        write_events(df, settings.events_path)
        print(f"wrote {len(df)} events to {settings.events_path}")
    for line in summary.lines():
        print(line)
    return 0


def _matches(df: pd.DataFrame, settings: Settings) -> bool:
    """--check: whether data/events.csv holds what this build would write (says which)."""
    if not settings.events_path.exists():
        print(f"{settings.events_path} is missing: run `python -m geo build`", file=sys.stderr)
        return False
    # Compare the text a build would write, not floats in memory; a stale file may not
    # even parse, so it is only counted.
    stored = settings.events_path.read_text(encoding="utf-8")
    if events_csv(df) != stored:
        print(
            f"{settings.events_path} is out of date with the articles and code "
            f"({max(0, stored.count(chr(10)) - 1)} stored lines, {len(df)} built): "
            "run `python -m geo build` and commit it",
            file=sys.stderr,
        )
        return False
    print(f"{settings.events_path} matches the articles and code ({len(df)} events)")
    return True


def _build_dask(
    args: argparse.Namespace, settings: Settings, online: bool | None
) -> tuple[pd.DataFrame | None, Summary]:
    """The build on a Dask cluster; with --parquet it writes the dataset and the summary."""
    try:
        from geo.table.distributed import build_events
    except ImportError as exc:
        raise SystemExit(
            f"--engine dask needs Dask ({exc}): pip install -r requirements-cluster.txt"
        ) from None
    if args.check and args.parquet:
        raise SystemExit("--check compares data/events.csv; it cannot be combined with --parquet")
    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO lines drown the summary
    df, summary = build_events(
        settings,
        scheduler=args.scheduler,
        input_path=args.input,
        parquet=args.parquet,
        workers=args.workers,
        online=online,
        fast=args.fast,
        progress=lambda it: tqdm(
            it, desc="partitions", unit="part", disable=args.quiet, file=sys.stderr
        ),
    )
    if df is None:
        print(f"wrote {summary.mentions} events to {args.parquet}")
        for line in summary.lines():
            print(line)
    return df, summary
