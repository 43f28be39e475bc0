"""Deterministic synthetic data for the benchmarks (seeded: same arguments, same bytes).

- `events(n_events, n_places, n_days)`: an events table shaped like data/events.csv, places
  scattered over the campaign region, dates over `n_days` from 1 Sep 2018.
- `articles(n, words)`: news-like articles of about `words` words naming real places from the
  campaign gazetteer and GeoNames (so the build does real recognition work), with dates.

    python tests/benchmarks/synth.py events 10000 2000 200 OUT_DIR
    python tests/benchmarks/synth.py articles 1000 700 OUT_DIR
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from geo.dating.event_types import EVENT_TYPES  # noqa: E402
from geo.table.event_rows import to_frame  # noqa: E402
from geo.table.store import write_events  # noqa: E402

START = dt.date(2018, 9, 1)
KINDS = ("village", "town", "town", "city", "camp")
PRECISIONS = ("day", "day", "day", "day", "span", "published")
PLACES = ["Hajin", "Baghouz", "al-Susah", "al-Shaafah", "Abu Kamal", "Mayadin", "Deir ez-Zor",
          "Raqqa", "al-Hol camp", "Hasakah", "al-Marashidah", "Sousa", "Baghuz", "Hajjin",
          "al-Qaim", "Shaafah", "Albukamal", "Deir al-Zor", "Syria", "Iraq", "the Euphrates"]
VERBS = ["advanced on", "shelled", "struck", "evacuated civilians from", "surrounded",
         "cleared mines in", "reported clashes near", "detained fighters in", "retook"]
WHEN = ["on Friday", "on Saturday night", "early on Sunday", "yesterday", "overnight",
        "during the past two days", "last week", "on 14 December", "earlier this week", ""]
FILLER = ("The statement gave no figures for casualties and could not be verified independently "
          "because access to the area remains restricted for journalists and aid workers alike").split()


def events(n_events: int, n_places: int, n_days: int, seed: int = 7):
    rnd = random.Random(seed)
    places = [(f"Place {i:05d}", 33.5 + 3.5 * rnd.random(), 38.5 + 3.5 * rnd.random(), rnd.choice(KINDS))
              for i in range(n_places)]
    rows = []
    for i in range(n_events):
        name, lat, lon, kind = places[rnd.randrange(n_places)]
        day = START + dt.timedelta(days=rnd.randrange(n_days))
        precision = rnd.choice(PRECISIONS)
        end = day + dt.timedelta(days=rnd.randint(1, 3)) if precision == "span" else None
        etype = rnd.choice(EVENT_TYPES)
        sentence = f"Fighters {rnd.choice(VERBS)} {name} {rnd.choice(WHEN)}, officials said."
        rows.append(dict(
            article_id=f"synth/{i // 3:06d}", title=f"Synthetic report {i // 3}", source="Synthetic Wire",
            url=f"https://example.org/{i // 3}", published=end or day, event_date=day, event_end=end,
            date_precision=precision, date_rule=f"synthetic rule {precision}", surface=name, place=name,
            lat=round(lat, 5), lon=round(lon, 5), kind=kind, place_source="campaign", score=0.9,
            alternatives="[]", start=0, end=len(name), sentence=sentence, event_type=etype))
    return to_frame(rows)


def article_text(rnd: random.Random, words: int) -> str:
    out: list[str] = []
    while len(out) < words:
        when = rnd.choice(WHEN)
        sentence = (f"SDF fighters {rnd.choice(VERBS)} {rnd.choice(PLACES)} {when} and moved towards "
                    f"{rnd.choice(PLACES)}, a commander said.").split()
        out += sentence
        for _ in range(rnd.randint(2, 4)):  # news prose: a place pair every ~50 words
            out += [w.capitalize() if i == 0 else w for i, w in enumerate(rnd.sample(FILLER, rnd.randint(8, 16)))]
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
            f"url: https://example.org/{i}\n---\n{body}\n", encoding="utf-8")
    return folder


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    args = p.parse_args()
    if args.what == "events":
        write_events(events(args.n_events, args.n_places, args.n_days), args.out / "events.csv")
    else:
        articles(args.n, args.words, args.out)


if __name__ == "__main__":
    main()
