"""Command line: `python -m geo build [--check]`, `python -m geo extract [FILE|-]`."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys

from tqdm import tqdm

from .config import ConfigError, Settings
from .events import events_csv, write_events


def _build(args, settings: Settings) -> int:
    from .pipeline import build_events

    online = False if args.offline else None
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


def _extract(args, settings: Settings) -> int:
    from .geocoding import search_context
    from .pipeline import Analyser, open_resolver
    from .toponyms import geonames_id

    if args.offline:
        settings = settings.with_(nominatim_enabled=False)
    analyser = Analyser(settings, fast=args.fast)
    resolver, cache, _ = open_resolver(settings)
    source = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8")
    status = 0
    try:
        for n, line in enumerate(source, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                text, doc_id = doc["text"], doc.get("id", n)
                published = dt.date.fromisoformat(doc["date"][:10]) if doc.get("date") else None
            except (ValueError, KeyError, TypeError) as exc:
                print(f"{args.file}:{n}: skipped: {exc}; expected {{\"id\", \"text\", \"date\"?}}",
                      file=sys.stderr)
                status = 1
                continue
            mentions, dates = analyser(text, published)
            places = []
            context = search_context(mentions)
            for i, m in enumerate(mentions):
                p = resolver.resolve(str(doc_id), m, context)
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
            sys.stdout.write(json.dumps({"id": doc_id, "places": places}, ensure_ascii=False) + "\n")
    finally:
        cache.close()
        if source is not sys.stdin:
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
    fast_help = "gazetteer only, no named-entity model: ~10x quicker, misses names no list holds"
    b.add_argument("--fast", action="store_true", help=fast_help)
    e = sub.add_parser("extract", help="JSON Lines {id, text, date?} -> places with offsets")
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
    from .ner import ModelMissing
    try:
        return _build(args, settings) if args.command == "build" else _extract(args, settings)
    except ModelMissing as exc:  # says how to install it, or to use --fast
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
