"""Validate the labelled geoparsing files and print counts.

Usage: python tests/data/geoparse/check_gold.py [FILE.jsonl ...]   (default: every *.jsonl here)
Exits 1 if any file breaks a rule; each message names the file, line and value.
Warnings (exit 0) flag a name annotated once in a passage but left bare elsewhere in it,
which is usually a missed annotation (a team or person of the same name is the exception).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = ("country", "region", "natural feature", "city", "town", "village", "camp", "site")
MIN_WORDS, MAX_WORDS = 60, 200


def check_doc(doc: dict, where: str, seen_ids: set) -> tuple[list[str], list[str]]:
    errors, warnings = [], []
    for key in ("id", "date", "text", "places"):
        if key not in doc:
            errors.append(f"{where}: missing key {key!r}")
    if errors:
        return errors, warnings
    if doc["id"] in seen_ids:
        errors.append(f"{where}: id {doc['id']!r} used twice; ids must be unique across files")
    seen_ids.add(doc["id"])
    try:
        dt.date.fromisoformat(doc["date"])
    except (TypeError, ValueError):
        errors.append(f"{where}: date {doc['date']!r} is not YYYY-MM-DD")
    text = doc["text"]
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        errors.append(f"{where}: {words} words; passages must have {MIN_WORDS}-{MAX_WORDS}")
    spans = []
    for i, p in enumerate(doc["places"]):
        at = f"{where} place {i} ({p.get('name')!r})"
        start, end = p.get("start"), p.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            errors.append(f"{at}: start/end {start!r}/{end!r} not a span inside the text")
            continue
        if text[start:end] != p.get("name"):
            errors.append(f"{at}: text[{start}:{end}] is {text[start:end]!r}, not the name")
        if p.get("kind") not in KINDS:
            errors.append(f"{at}: kind {p.get('kind')!r}; use one of {', '.join(KINDS)}")
        lat, lon = p.get("lat"), p.get("lon")
        if not (isinstance(lat, (int, float)) and -90 <= lat <= 90):
            errors.append(f"{at}: lat {lat!r} must be a number in [-90, 90]")
        if not (isinstance(lon, (int, float)) and -180 <= lon <= 180):
            errors.append(f"{at}: lon {lon!r} must be a number in [-180, 180]")
        spans.append((start, end, p.get("name")))
    spans.sort()
    for (s1, e1, n1), (s2, e2, n2) in zip(spans, spans[1:], strict=False):
        if s2 < e1:
            errors.append(f"{where}: spans {n1!r} [{s1},{e1}) and {n2!r} [{s2},{e2}) overlap")
    covered = [(s, e) for s, e, _ in spans]
    for name in {n for _, _, n in spans}:
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            if not any(s <= m.start() < e for s, e in covered):
                warnings.append(f"{where}: {name!r} at {m.start()} is not annotated here "
                                "(fine if it is a team, person or part of a longer name)")
    return errors, warnings


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or sorted(HERE.glob("*.jsonl"))
    seen_ids: set = set()
    all_errors, all_kinds, total_docs, total_places = [], Counter(), 0, 0
    for path in files:
        kinds, docs = Counter(), 0
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                all_errors.append(f"{where}: not JSON ({exc.msg})")
                continue
            errors, warnings = check_doc(doc, where, seen_ids)
            all_errors += errors
            for w in warnings:
                print("warning:", w)
            docs += 1
            kinds.update(p.get("kind") for p in doc.get("places", []))
        n = sum(kinds.values())
        print(f"{path.name}: {docs} passages, {n} toponyms; "
              + ", ".join(f"{k} {kinds[k]}" for k in KINDS if kinds[k]))
        all_kinds += kinds
        total_docs += docs
        total_places += n
    print(f"total: {total_docs} passages, {total_places} toponyms; "
          + ", ".join(f"{k} {all_kinds[k]}" for k in KINDS if all_kinds[k]))
    for e in all_errors:
        print("error:", e, file=sys.stderr)
    return 1 if all_errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
