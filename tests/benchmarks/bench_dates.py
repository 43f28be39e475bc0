"""Score geo.dating.event_dates against the labelled set and the bundled corpus, and time it.

Usage (from the repo root, venv active):
    python tests/benchmarks/bench_dates.py [GOLD.jsonl] [--repeat N]

Prints exact-match accuracy (same precision, start and end) overall and per gold precision,
every failure with the rule that produced it, and mentions/second: first over the labelled
set (cold and warm dateparser cache), then over the bundled briefs scored against the corpus
author's tests/data/corpus_expectations.csv (week and month rows there give only the first
day, so they are compared on it), then over a ~700-word synthetic article built by repeating
the seed article's paragraphs, which is closer to the project's real load.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geo.dating.event_dates import date_mentions  # noqa: E402
from geo.dating.explicit import read_explicit  # noqa: E402
from geo.geoparse.evaluate import read_jsonl  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from test_corpus_dates import corpus_results, is_exact as corpus_exact  # noqa: E402

GOLD = ROOT / "tests" / "data" / "dates_gold.jsonl"
SEED = Path("/work/shared/reference/seed-article.txt")


def place_span(row: dict) -> tuple[int, int]:
    """The character span of the row's place, at its given occurrence."""
    pos = -1
    for _ in range(row.get("occurrence", 1)):
        pos = row["text"].index(row["place"], pos + 1)
    return pos, pos + len(row["place"])


def predict(row: dict):
    pub = dt.date.fromisoformat(row["published"])
    return date_mentions(row["text"], pub, [place_span(row)])[0]


def is_exact(row: dict, got) -> bool:
    want = (row["precision"], row["event_date"], row["event_end"])
    have = (got.precision, got.start and got.start.isoformat(), got.end and got.end.isoformat())
    return want == have


def report(label: str, results, exact, describe) -> None:
    """Accuracy overall and per precision, then every miss: results are (row, got) pairs."""
    total, right, failures = Counter(), Counter(), []
    for row, got in results:
        total[row["precision"]] += 1
        if exact(row, got):
            right[row["precision"]] += 1
        else:
            failures.append((row, got))
    n, ok = sum(total.values()), sum(right.values())
    print(f"{label}: {ok}/{n} = {ok / n:.1%} exact")
    for precision in sorted(total):
        print(f"  {precision:<11} {right[precision]:>3}/{total[precision]:<3} "
              f"= {right[precision] / total[precision]:.1%}")
    for row, got in failures:
        print(describe(row, got))


def score(rows: list[dict]) -> None:
    report("overall", ((row, predict(row)) for row in rows), is_exact, lambda row, got: (
        f"FAIL {row['id']} {row['place']!r}: want {row['precision']} "
        f"{row['event_date']}..{row['event_end']}; got {got.precision} "
        f"{got.start}..{got.end}\n     text: {row['text'][:120]!r}\n     rule: {got.rule}"))


def score_corpus() -> None:
    report("corpus (bundled briefs)", ((row, got) for row, got, _ in corpus_results()), corpus_exact,
           lambda row, got: (
               f"FAIL {row['file']} {row['surface']!r}#{row['occurrence']}: want "
               f"{row['precision']} {row['event_date'] or None}..{row['event_end'] or None}; "
               f"got {got.precision} {got.start}..{got.end}\n     rule: {got.rule}"))


def timed(label: str, jobs: list, repeat: int) -> None:
    mentions = sum(len(spans) for _, _, spans in jobs) * repeat
    t0 = time.perf_counter()
    for _ in range(repeat):
        for text, pub, spans in jobs:
            date_mentions(text, pub, spans)
    secs = time.perf_counter() - t0
    print(f"{label}: {mentions} mentions in {secs:.3f} s = {mentions / secs:,.0f} mentions/s "
          f"({secs / mentions * 1e3:.3f} ms/mention)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", default=str(GOLD))
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    rows = read_jsonl(args.gold)
    jobs = [(r["text"], dt.date.fromisoformat(r["published"]), [place_span(r)]) for r in rows]
    read_explicit.cache_clear()
    timed("labelled set, cold cache", jobs, 1)
    timed("labelled set, warm cache", jobs, args.repeat)
    score(rows)
    score_corpus()
    if SEED.exists():
        seed = SEED.read_text(encoding="utf-8")
        words = seed.split()
        text = "\n\n".join([seed] * max(1, round(700 / len(words))))
        spans = [(i, i + 7) for i in range(len(text)) if text.startswith("Baghouz", i)]
        spans += [(i, i + 5) for i in range(len(text)) if text.startswith("Syria", i)]
        pub = dt.date(2019, 3, 3)
        runs, cpu = [], []  # best of 5: the machine is shared, the minimum least disturbed
        for _ in range(5):
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(args.repeat):
                date_mentions(text, pub, spans)
            runs.append((time.perf_counter() - t0) / args.repeat)
            cpu.append((time.process_time() - c0) / args.repeat)
        secs = min(runs)
        print(f"seed-like article: {len(text.split())} words, {len(spans)} mentions: "
              f"{secs * 1e3:.2f} ms/article (best of 5; median {sorted(runs)[2] * 1e3:.2f}; "
              f"CPU time best {min(cpu) * 1e3:.2f}) = {1 / secs:,.0f} articles/s, "
              f"{secs / len(spans) * 1e3:.3f} ms/mention")


if __name__ == "__main__":
    main()
