"""The extract command: JSON Lines documents in, each one's resolved places out, one per line."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import IO, TYPE_CHECKING

from geo.cli.documents import BadLine, document, lines, open_input
from geo.config import Settings

if TYPE_CHECKING:  # for annotations only: the pipeline's imports are slow
    from geo.geoparse.resolve import Resolver
    from geo.table.pipeline import Analyser


def extract(args: argparse.Namespace, settings: Settings) -> int:
    """`python -m geo extract`: its exit status (1 when a line was skipped)."""
    from geo.table.pipeline import Analyser, open_resolver

    source = _source(args.file)  # before the slow set-up: a typo fails at once
    if source is None:
        return 2
    if args.offline:
        settings = settings.with_(nominatim_enabled=False)
    analyser = Analyser(settings, fast=args.fast)
    resolver, cache, _ = open_resolver(settings)
    status = 0
    try:
        for n, raw in lines(source):
            if raw is not None and not raw.strip():
                continue
            try:
                doc_id, text, published = document(raw, n)
            except BadLine as bad:
                print(f"{args.file}:{n}: skipped: {bad}", file=sys.stderr)
                status = 1
                continue
            places = document_places(analyser, resolver, str(doc_id), text, published)
            sys.stdout.write(
                json.dumps({"id": doc_id, "places": places}, ensure_ascii=False) + "\n"
            )
    finally:
        cache.close()
        if source is not sys.stdin.buffer:
            source.close()
    return status


def _source(name: str) -> IO[bytes] | None:
    """The input opened, or None after saying on stderr why it cannot be read."""
    try:
        return open_input(name)
    except OSError as e:
        reason = (
            "there is no such file"
            if isinstance(e, FileNotFoundError)
            else (e.strerror or str(e)).lower()
        )
        print(
            f"{name}: cannot read the input ({reason}): give a JSON Lines file, "
            "or - for standard input",
            file=sys.stderr,
        )
        return None


def document_places(
    analyser: Analyser, resolver: Resolver, doc_id: str, text: str, published: dt.date | None
) -> list[dict]:
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
        item = {
            "start": m.start,
            "end": m.end,
            "name": p.name,
            "surface": m.surface,
            "lat": p.lat,
            "lon": p.lon,
            "kind": p.kind,
            "score": p.score,
            "role": m.role,
            "geonames_id": geonames_id(picked) if picked else None,
        }
        if dates is not None:
            d = dates[i]
            item.update(
                event_date=d.start.isoformat() if d.start else None,
                event_end=d.end.isoformat() if d.end else None,
                date_precision=d.precision,
                date_rule=d.rule,
            )
        places.append(item)
    return places
