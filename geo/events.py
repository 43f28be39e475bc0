"""The events table: one row per place mention, built, stored and sliced with pandas."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from .dates import EventDate
from .event_types import classify
from .models import EVENT_COLUMNS, Article, Mention, Place

_SENTENCE_END = re.compile(r"(?<=[.!?\u201d\"])\s+(?=[A-Z\u201c\"“#])|\n\s*\n|\n")
MODES = ("cumulative", "day", "window")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) holding text[start:end]."""
    left = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        left = m.end()
    m = _SENTENCE_END.search(text, end)
    return left, (m.start() if m else len(text))


def article_rows(article: Article, mentions: list[Mention], places: list[Place | None],
                 dates: list[EventDate]) -> list[dict]:
    rows = []
    for mention, place, when in zip(mentions, places, dates):
        if place is None:  # an editor rejected it: not a place
            continue
        s0, s1 = sentence_bounds(article.text, mention.start, mention.end)
        sentence = article.text[s0:s1].strip()
        rows.append({
            "article_id": article.id, "title": article.title, "source": article.source,
            "url": article.url, "published": article.published,
            "event_date": when.start, "event_end": when.end, "date_precision": when.precision,
            "date_rule": when.rule, "surface": mention.surface, "place": place.name,
            "lat": place.lat, "lon": place.lon, "kind": place.kind, "place_source": place.source,
            "score": place.score,
            "alternatives": json.dumps([[c.name, c.lat, c.lon, c.kind, c.country, c.source, c.ref, c.score]
                                        for c in place.alternatives[:5]], ensure_ascii=False),
            "start": mention.start, "end": mention.end, "sentence": sentence,
            "event_type": classify(sentence),
        })
    return rows


def to_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for col, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col], errors="coerce").astype(dtype)
        else:
            df[col] = df[col].astype(dtype)
    return df.sort_values(["published", "article_id", "start"], kind="stable").reset_index(drop=True)


def write_events(df: pd.DataFrame, path: Path) -> None:
    """Atomic: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".events-", suffix=".csv")
    os.close(fd)
    out = df.copy()
    for col, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    out.to_csv(tmp, index=False, lineterminator="\n", float_format="%.6f")
    os.replace(tmp, path)


def read_events(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={c: t for c, t in EVENT_COLUMNS.items() if not t.startswith("datetime")},
                     keep_default_na=False, na_values={"lat": [""], "lon": [""]})
    missing = [c for c in EVENT_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; rebuild it with `python -m geo build`")
    for col, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col].replace("", None), errors="coerce").astype(dtype)
    return df[list(EVENT_COLUMNS)]


def select(df: pd.DataFrame, day: dt.date, mode: str = "cumulative", window: int = 7,
           clock: str = "event") -> pd.DataFrame:
    """Rows shown for a slider position. clock: 'event' (when it happened) or 'published'.

    A span event counts on every day it covers; 'window' shows the `window` days
    ending on `day`.
    """
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not one of {MODES}")
    day = pd.Timestamp(day)
    if clock == "published":
        start = end = df["published"]
    else:
        start = df["event_date"]
        end = df["event_end"].fillna(start)
    if mode == "cumulative":
        mask = start <= day
    elif mode == "day":
        mask = (start <= day) & (end >= day)
    else:
        first = day - pd.Timedelta(days=max(1, window) - 1)
        mask = (start <= day) & (end >= first)
    return df[mask.fillna(False)]
