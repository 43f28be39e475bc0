"""Command line: `python -m geo build [--check]`, `python -m geo extract [FILE|-]`."""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import logging
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from tqdm import tqdm

from geo.config import ConfigError, Settings
from geo.ingest.clean import not_utf8
from geo.ingest.formats import MAX_TEXT_CHARS
from geo.table.store import events_csv, write_events

if TYPE_CHECKING:  # for annotations only: the pipeline's imports are slow
    import pandas as pd

    from geo.geoparse.resolve import Resolver
    from geo.table.pipeline import Analyser, Summary


def _build(args: argparse.Namespace, settings: Settings) -> int:
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
        df, summary = build_events(settings, workers=args.workers, online=online, fast=args.fast,
                                   progress=lambda it: tqdm(it, desc="articles", unit="art",
                                                            disable=args.quiet, file=sys.stderr))
    if args.check:
        if not settings.events_path.exists():
            print(f"{settings.events_path} is missing: run `python -m geo build`", file=sys.stderr)
            return 1
        # Compare the text a build would write, not floats in memory; a stale file may not
        # even parse, so it is only counted.
        stored = settings.events_path.read_text(encoding="utf-8")
        if events_csv(df) != stored:
            print(f"{settings.events_path} is out of date with the articles and code "
                  f"({max(0, stored.count(chr(10)) - 1)} stored lines, {len(df)} built): "
                  "run `python -m geo build` and commit it", file=sys.stderr)
            return 1
        print(f"{settings.events_path} matches the articles and code ({len(df)} events)")
    else:
        write_events(df, settings.events_path)
        print(f"wrote {len(df)} events to {settings.events_path}")
    for line in summary.lines():
        print(line)
    return 0


def _build_dask(args: argparse.Namespace, settings: Settings,
                online: bool | None) -> tuple[pd.DataFrame | None, Summary]:
    """The build on a Dask cluster; with --parquet it writes the dataset and the summary."""
    try:
        from geo.table.distributed import build_events
    except ImportError as exc:
        raise SystemExit(f"--engine dask needs Dask ({exc}): "
                         "pip install -r requirements-cluster.txt") from None
    if args.check and args.parquet:
        raise SystemExit("--check compares data/events.csv; it cannot be combined with --parquet")
    logging.getLogger("distributed").setLevel(logging.WARNING)  # its INFO lines drown the summary
    df, summary = build_events(settings, scheduler=args.scheduler, input_path=args.input,
                               parquet=args.parquet, workers=args.workers, online=online, fast=args.fast,
                               progress=lambda it: tqdm(it, desc="partitions", unit="part",
                                                        disable=args.quiet, file=sys.stderr))
    if df is None:
        print(f"wrote {summary.mentions} events to {args.parquet}")
        for line in summary.lines():
            print(line)
    return df, summary


# A JSON line may spell each character of a text as a 6-byte \\uXXXX escape; longer lines are
# skipped without being read into memory.
MAX_LINE_BYTES = 6 * MAX_TEXT_CHARS + 10_000
_JSON_KINDS = {list: "a list", dict: "an object", bool: "true or false", int: "a number",
               float: "a number", type(None): "null"}


class BadLine(ValueError):
    """One input line cannot be used; the message says why in plain words."""


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(number, bytes) per line of a binary stream; None for a line over MAX_LINE_BYTES."""
    for number in itertools.count(1):
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) <= MAX_LINE_BYTES:
            yield number, line
            continue
        while line and not line.endswith(b"\n"):  # skip the rest of it, a chunk at a time
            line = stream.readline(1 << 20)
        yield number, None


def _document(raw: bytes | None, number: int) -> tuple[object, str, dt.date | None]:
    """(id, text, publication date) from one input line, or BadLine."""
    if raw is None:
        raise BadLine(f"the line is over {MAX_LINE_BYTES:,} bytes: texts are limited to "
                      f"{MAX_TEXT_CHARS:,} characters; split the text")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise BadLine(f"{not_utf8(raw, e)}: save the input as UTF-8") from None
    except ValueError as e:
        raise BadLine(f"not valid JSON ({getattr(e, 'msg', e)}): each line must be one object "
                      '{"id": ..., "text": "...", "date": "YYYY-MM-DD"}') from None
    if not isinstance(doc, dict):
        raise BadLine(f'the line is {_JSON_KINDS.get(type(doc), "not an object")}, not an object '
                      '{"id": ..., "text": "...", "date": "YYYY-MM-DD"}')
    text = doc.get("text")
    if not isinstance(text, str):
        raise BadLine('no "text" field' if "text" not in doc else
                      f'"text" is {_JSON_KINDS.get(type(text), "not text")}, not a string')
    if len(text) > MAX_TEXT_CHARS:
        raise BadLine(f"the text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit: "
                      "split it into smaller texts")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadLine('"text" holds a lone surrogate escape (like \\ud800): not valid Unicode') from None
    return doc.get("id", number), text, _published(doc.get("date"))


def _published(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadLine(f'"date" is {_JSON_KINDS.get(type(value), "not text")}, not a date: '
                      "write it as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise BadLine(f'"date" {value[:40]!r} is not a date: write it as YYYY-MM-DD') from None


def _open_input(name: str) -> IO[bytes]:
    """The input as a binary stream (lines are decoded one by one: one bad line stops nothing)."""
    return sys.stdin.buffer if name == "-" else open(name, "rb")


def _document_places(analyser: Analyser, resolver: Resolver, doc_id: str, text: str,
                     published: dt.date | None) -> list[dict]:
    """extract's output for one document: every resolved mention, with its role, GeoNames id
    and, when the document has a date, its event date."""
    from geo.geoparse.resolve import search_context
    from geo.geoparse.toponyms import geonames_id

    mentions, dates = analyser(text, published)
    context = search_context(mentions)
    places = []
    for i, m in enumerate(mentions):
        p = resolver.resolve(doc_id, m, context)
        if p is None:
            continue
        picked = m.candidates[0] if m.candidates and p.source != "correction" else None
        item = {"start": m.start, "end": m.end, "name": p.name, "surface": m.surface,
                "lat": p.lat, "lon": p.lon, "kind": p.kind, "score": p.score, "role": m.role,
                "geonames_id": geonames_id(picked) if picked else None}
        if dates is not None:
            d = dates[i]
            item.update(event_date=d.start.isoformat() if d.start else None,
                        event_end=d.end.isoformat() if d.end else None,
                        date_precision=d.precision, date_rule=d.rule)
        places.append(item)
    return places


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from geo.table.pipeline import Analyser, open_resolver

    try:
        source = _open_input(args.file)  # before the slow set-up: a typo fails at once
    except OSError as e:
        reason = ("there is no such file" if isinstance(e, FileNotFoundError)
                  else (e.strerror or str(e)).lower())
        print(f"{args.file}: cannot read the input ({reason}): give a JSON Lines file, "
              "or - for standard input", file=sys.stderr)
        return 2
    if args.offline:
        settings = settings.with_(nominatim_enabled=False)
    analyser = Analyser(settings, fast=args.fast)
    resolver, cache, _ = open_resolver(settings)
    status = 0
    try:
        for n, raw in _lines(source):
            if raw is not None and not raw.strip():
                continue
            try:
                doc_id, text, published = _document(raw, n)
            except BadLine as bad:
                print(f"{args.file}:{n}: skipped: {bad}", file=sys.stderr)
                status = 1
                continue
            places = _document_places(analyser, resolver, str(doc_id), text, published)
            sys.stdout.write(json.dumps({"id": doc_id, "places": places}, ensure_ascii=False) + "\n")
    finally:
        cache.close()
        if source is not sys.stdin.buffer:
            source.close()
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="articles in data/articles -> data/events.csv")
    b.add_argument("--check", action="store_true", help="verify data/events.csv is up to date; write nothing")
    b.add_argument("--workers", type=int, default=1, help="processes for recognition and dating")
    b.add_argument("--offline", action="store_true", help="never use the network, whatever the settings say")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="dask: analyse on a Dask cluster (a local one of --workers processes by default)")
    b.add_argument("--scheduler", help="with --engine dask: the scheduler address, e.g. tcp://10.0.0.5:8786")
    b.add_argument("--input", help="with --engine dask: an articles folder, or .jsonl/.parquet "
                   "files (a path, glob or fsspec URL); default: the data folder's articles")
    b.add_argument("--parquet", help="with --engine dask: write a Parquet dataset here (folder or URL) "
                   "instead of data/events.csv")
    fast_help = "gazetteer only, no named-entity model: ~10x quicker, misses names no list holds"
    b.add_argument("--fast", action="store_true", help=fast_help)
    e = sub.add_parser("extract", help="JSON Lines {id, text, date?} -> places with offsets",
                       description=f"One JSON object per line in, one per line out. A line that "
                       f"cannot be used (not UTF-8, not JSON, text not a string, date not "
                       f"YYYY-MM-DD, text over {MAX_TEXT_CHARS:,} characters) is reported on "
                       f"stderr as FILE:LINE: skipped: REASON; the run goes on (exit status 1).")
    e.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    e.add_argument("--offline", action="store_true", help="guarantee no network")
    e.add_argument("--fast", action="store_true", help=fast_help)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return 2
    from geo.geoparse.ner import ModelMissing
    try:
        return _build(args, settings) if args.command == "build" else _extract(args, settings)
    except ModelMissing as exc:  # says how to install it, or to use --fast
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
