"""Deterministic synthetic data for the benchmarks (seeded: same arguments, same bytes).

- `events(n_events, n_places, n_days)`: an events table shaped like data/events.csv, places
  scattered over the campaign region, dates over `n_days` from 1 Sep 2018.
- `mentions_store(root, n_mentions, n_places, n_days)`: a Parquet events store as a large
  build writes it (geo/table/columnar.py: month files and daily.parquet), vectorised: 1 M mentions
  in a few seconds, for the dashboard's DuckDB path.
- `articles(n, words)`: news-like articles of about `words` words naming real places from the
  campaign gazetteer and GeoNames (so the build does real recognition work), with dates.

    python tests/benchmarks/synth.py events 10000 2000 200 OUT_DIR
    python tests/benchmarks/synth.py articles 1000 700 OUT_DIR
    python tests/benchmarks/synth.py store 10000000 5000 400 OUT_DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from geo.dating.event_types import EVENT_TYPES  # noqa: E402
from geo.models import EVENT_COLUMNS  # noqa: E402
from geo.table import columnar  # noqa: E402
from geo.table.event_rows import to_frame  # noqa: E402
from geo.table.store import write_events  # noqa: E402

START = dt.date(2018, 9, 1)
KINDS = ("village", "town", "town", "city", "camp")
PRECISIONS = ("day", "day", "day", "day", "span", "published")
PLACES = [
    "Hajin",
    "Baghouz",
    "al-Susah",
    "al-Shaafah",
    "Abu Kamal",
    "Mayadin",
    "Deir ez-Zor",
    "Raqqa",
    "al-Hol camp",
    "Hasakah",
    "al-Marashidah",
    "Sousa",
    "Baghuz",
    "Hajjin",
    "al-Qaim",
    "Shaafah",
    "Albukamal",
    "Deir al-Zor",
    "Syria",
    "Iraq",
    "the Euphrates",
]
VERBS = [
    "advanced on",
    "shelled",
    "struck",
    "evacuated civilians from",
    "surrounded",
    "cleared mines in",
    "reported clashes near",
    "detained fighters in",
    "retook",
]
WHEN = [
    "on Friday",
    "on Saturday night",
    "early on Sunday",
    "yesterday",
    "overnight",
    "during the past two days",
    "last week",
    "on 14 December",
    "earlier this week",
    "",
]
FILLER = (
    "The statement gave no figures for casualties and could not be verified independently "
    "because access to the area remains restricted for journalists and aid workers alike"
).split()


def events(n_events: int, n_places: int, n_days: int, seed: int = 7):
    rnd = random.Random(seed)
    places = [
        (f"Place {i:05d}", 33.5 + 3.5 * rnd.random(), 38.5 + 3.5 * rnd.random(), rnd.choice(KINDS))
        for i in range(n_places)
    ]
    rows = []
    for i in range(n_events):
        name, lat, lon, kind = places[rnd.randrange(n_places)]
        day = START + dt.timedelta(days=rnd.randrange(n_days))
        precision = rnd.choice(PRECISIONS)
        end = day + dt.timedelta(days=rnd.randint(1, 3)) if precision == "span" else None
        etype = rnd.choice(EVENT_TYPES)
        sentence = f"Fighters {rnd.choice(VERBS)} {name} {rnd.choice(WHEN)}, officials said."
        rows.append(
            dict(
                article_id=f"synth/{i // 3:06d}",
                title=f"Synthetic report {i // 3}",
                source="Synthetic Wire",
                url=f"https://example.org/{i // 3}",
                published=end or day,
                event_date=day,
                event_end=end,
                date_precision=precision,
                date_rule=f"synthetic rule {precision}",
                surface=name,
                place=name,
                lat=round(lat, 5),
                lon=round(lon, 5),
                kind=kind,
                place_source="campaign",
                score=0.9,
                alternatives="[]",
                start=0,
                end=len(name),
                sentence=sentence,
                event_type=etype,
            )
        )
    return to_frame(rows)


OUTLETS = [f"Outlet {i:02d}" for i in range(20)]
STORE_KINDS = np.array(["village"] * 6 + ["town"] * 3 + ["city", "camp", "region", "country"])
STORE_PRECISIONS = np.array(["day"] * 6 + ["span", "week", "published", "published"])


def _text(*parts) -> pa.Array:
    """Element-wise concatenation of string arrays and scalars, in Arrow (no Python loop)."""
    return pc.binary_join_element_wise(*parts, "")


def _store_part(
    rnd: np.random.Generator,
    first_article: int,
    n_articles: int,
    days: np.ndarray,
    places: pd.DataFrame,
    per_article: int,
) -> pd.DataFrame:
    """The mentions of `n_articles` articles published on `days` (one per article)."""
    n = n_articles * per_article
    art = np.repeat(np.arange(first_article, first_article + n_articles), per_article)
    published = np.repeat(days, per_article)
    p = np.minimum((rnd.pareto(1.2, n) * len(places) / 20).astype(np.int64), len(places) - 1)
    p = rnd.permutation(len(places))[p]  # the busy places are spread over the map
    precision_i = rnd.integers(0, len(STORE_PRECISIONS), n)
    back = rnd.integers(0, 4, n)
    start = published - np.where(STORE_PRECISIONS[precision_i] == "published", 0, back)
    end = np.where(
        STORE_PRECISIONS[precision_i] == "span",
        np.minimum(start + rnd.integers(1, 4, n), published),
        -1,
    )
    start = np.where(rnd.random(n) < 0.03, -1, start)  # background: no event date
    epoch = np.datetime64("1970-01-01", "s")

    def as_time(d: np.ndarray) -> np.ndarray:
        return np.where(d >= 0, epoch + d.astype("timedelta64[D]"), np.datetime64("NaT", "s"))

    ids = pc.cast(pa.array(art), pa.string())
    name = pa.array(places["place"].tolist()).take(pa.array(p))
    pick = lambda values, k: pa.array(values).take(pa.array(k))  # noqa: E731
    const = lambda text: pa.array([text]).take(pa.array(np.zeros(n, dtype=np.int64)))  # noqa: E731
    precision = pick(STORE_PRECISIONS, precision_i)
    cols = {
        "article_id": _text("synth/", ids),
        "title": _text("Synthetic report ", ids),
        "source": pick(OUTLETS, art % len(OUTLETS)),
        "url": _text("https://example.org/", ids),
        "link_note": const(""),
        "published": as_time(published),
        "event_date": as_time(start),
        "event_end": as_time(end),
        "date_precision": precision,
        "date_rule": _text("synthetic rule ", precision),
        "surface": name,
        "place": name,
        "lat": places["lat"].to_numpy()[p],
        "lon": places["lon"].to_numpy()[p],
        "kind": pick(places["kind"].tolist(), p),
        "place_source": pick(["campaign", "unresolved"], (rnd.random(n) < 0.01).astype(np.int64)),
        "score": np.round(rnd.uniform(0.3, 1.0, n), 3),
        "alternatives": const("[]"),
        "start": np.zeros(n, dtype=np.int64),
        "end": np.asarray(pc.utf8_length(name), np.int64),
        "sentence": _text(
            "Fighters ",
            pick(VERBS, rnd.integers(0, len(VERBS), n)),
            " ",
            name,
            " on the day, officials said.",
        ),
        "event_type": pick(EVENT_TYPES, rnd.integers(0, len(EVENT_TYPES), n)),
        "role": pick(["literal", "associative"], (rnd.random(n) < 0.1).astype(np.int64)),
    }
    strings = {t: pd.StringDtype() for t in (pa.string(), pa.large_string())}
    df = pa.table(cols).to_pandas(types_mapper=strings.get)
    return df.astype({c: t for c, t in EVENT_COLUMNS.items() if t != "string"})


def mentions_store(
    root: Path,
    n_mentions: int,
    n_places: int,
    n_days: int,
    seed: int = 5,
    per_article: int = 10,
    part_articles: int = 50_000,
) -> Path:
    """A Parquet store of `n_mentions` mentions (`per_article` an article) over `n_places` places
    and `n_days` days from 1 Sep 2018, written by geo.columnar as the Dask build writes one:
    partitions of `part_articles` articles, then daily.parquet from their daily counts."""
    rnd = np.random.default_rng(seed)
    places = pd.DataFrame(
        {
            "place": [f"Place {i:05d}" for i in range(n_places)],
            "lat": np.round(rnd.uniform(33.5, 37.0, n_places), 5),
            "lon": np.round(rnd.uniform(38.5, 42.0, n_places), 5),
            "kind": STORE_KINDS[rnd.integers(0, len(STORE_KINDS), n_places)],
        }
    )
    first = (np.datetime64(START, "D") - np.datetime64(0, "D")).astype(np.int64)
    n_articles = n_mentions // per_article
    days = np.sort(first + rnd.integers(0, n_days, n_articles))
    daily = []
    for part, lo in enumerate(range(0, n_articles, part_articles)):
        hi = min(n_articles, lo + part_articles)
        df = _store_part(rnd, lo, hi - lo, days[lo:hi], places, per_article)
        columnar.write_partition(df, str(root), part)
        daily.append(columnar.daily_counts(df))
    columnar.write_daily(daily, str(root))
    return root


def article_text(rnd: random.Random, words: int) -> str:
    out: list[str] = []
    while len(out) < words:
        when = rnd.choice(WHEN)
        sentence = (
            f"SDF fighters {rnd.choice(VERBS)} {rnd.choice(PLACES)} {when} and moved towards "
            f"{rnd.choice(PLACES)}, a commander said."
        ).split()
        out += sentence
        for _ in range(rnd.randint(2, 4)):  # news prose: a place pair every ~50 words
            out += [
                w.capitalize() if i == 0 else w
                for i, w in enumerate(rnd.sample(FILLER, rnd.randint(8, 16)))
            ]
            out[-1] += "."
        if rnd.random() < 0.3:
            out[-1] += "\n\n"
    return " ".join(out[:words]).replace(" .", ".")


def articles(n: int, words: int, out_dir: Path, seed: int = 11) -> Path:
    rnd = random.Random(seed)
    folder = out_dir / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        day = START + dt.timedelta(days=rnd.randrange(200))
        body = article_text(rnd, words)
        (folder / f"synth-{i:05d}.md").write_text(
            f"---\ntitle: Synthetic report {i}\ndate: {day.isoformat()}\nsource: Synthetic Wire\n"
            f"url: https://example.org/{i}\n---\n{body}\n",
            encoding="utf-8",
        )
    return folder


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="what", required=True)
    e = sub.add_parser("events")
    e.add_argument("n_events", type=int)
    e.add_argument("n_places", type=int)
    e.add_argument("n_days", type=int)
    e.add_argument("out", type=Path)
    a = sub.add_parser("articles")
    a.add_argument("n", type=int)
    a.add_argument("words", type=int)
    a.add_argument("out", type=Path)
    s = sub.add_parser("store")
    s.add_argument("n_mentions", type=int)
    s.add_argument("n_places", type=int)
    s.add_argument("n_days", type=int)
    s.add_argument("out", type=Path)
    args = p.parse_args()
    if args.what == "store":
        mentions_store(args.out, args.n_mentions, args.n_places, args.n_days)
    elif args.what == "events":
        write_events(events(args.n_events, args.n_places, args.n_days), args.out / "events.csv")
    else:
        articles(args.n, args.words, args.out)


if __name__ == "__main__":
    main()
