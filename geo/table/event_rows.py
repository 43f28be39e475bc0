"""Rows of the events table: one per place mention, with its sentence, type and candidates."""

from __future__ import annotations

import bisect
import json
import re
from typing import TYPE_CHECKING

import pandas as pd

from geo.dating.event_types import classify
from geo.models import EVENT_COLUMNS, Article, Mention, Place

if TYPE_CHECKING:  # dateparser is only needed to build
    from geo.dating.event_dates import EventDate

_SENTENCE_END = re.compile(r"(?<=[.!?\u201d\"])\s+(?=[A-Z\u201c\"“#])|\n\s*\n|\n")


class Sentences:
    """Sentence (or line) boundaries of one text, found once and looked up by bisection."""

    def __init__(self, text: str):
        self.text = text
        self.cuts = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(text)]
        self._ends = [a for a, _ in self.cuts]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._ends, start)  # cuts before the mention: the last one opens it
        left = self.cuts[i - 1][1] if i else 0
        j = bisect.bisect_left(self._ends, end)
        return left, (self.cuts[j][0] if j < len(self.cuts) else len(self.text))


def mention_contexts(text: str, mentions: list[Mention]) -> list[tuple[str, str]]:
    """(sentence, event type) for each mention: the sentence holding it and what it reports.

    Pure and per article, so the build runs it in its worker processes."""
    sentences = Sentences(text)
    types: dict[str, str] = {}  # one classification per sentence, however many places it names
    out = []
    for mention in mentions:
        s0, s1 = sentences.bounds(mention.start, mention.end)
        sentence = text[s0:s1].strip()
        if sentence not in types:
            types[sentence] = classify(sentence)
        out.append((sentence, types[sentence]))
    return out


def article_rows(
    article: Article,
    mentions: list[Mention],
    places: list[Place | None],
    dates: list[EventDate],
    contexts: list[tuple[str, str]] | None = None,
) -> list[dict]:
    """One row per mention with a place; `contexts` from mention_contexts() when already known."""
    if contexts is None:
        contexts = mention_contexts(article.text, mentions)
    # One JSON text per alternatives list: mentions of one name share their candidates. Keyed
    # on object ids, which stay unique while `mentions` and `places` hold the objects.
    alternatives: dict[tuple, str] = {}
    fields = _article_fields(article)
    return [
        _row(fields, mention, place, when, context, alternatives)
        for mention, place, when, context in zip(mentions, places, dates, contexts, strict=True)
        if place is not None  # None: an editor rejected it, not a place
    ]


def _article_fields(article: Article) -> dict:
    """The columns every row of one article shares."""
    return {
        "article_id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "link_note": article.link_note,
        "published": article.published,
    }


def _row(
    fields: dict,
    mention: Mention,
    place: Place,
    when: EventDate,
    context: tuple[str, str],
    alternatives: dict[tuple, str],
) -> dict:
    """One mention's row: its article's `fields`, then its date, place and sentence."""
    sentence, event_type = context
    return {
        **fields,
        "event_date": when.start,
        "event_end": when.end,
        "date_precision": when.precision,
        "date_rule": when.rule,
        "surface": mention.surface,
        "place": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "kind": place.kind,
        "place_source": place.source,
        "score": place.score,
        "alternatives": _alternatives_json(place.alternatives[:5], alternatives),
        "start": mention.start,
        "end": mention.end,
        "sentence": sentence,
        "event_type": event_type,
        "role": mention.role,
    }


# The fields of each candidate in the `alternatives` column, written as named JSON objects.
ALTERNATIVE_FIELDS = ("name", "lat", "lon", "kind", "country", "source", "ref", "score")


def _alternatives_json(alts: tuple, memo: dict[tuple, str]) -> str:
    key = tuple(map(id, alts))
    text = memo.get(key)
    if text is None:
        text = memo[key] = json.dumps(
            [{f: getattr(c, f) for f in ALTERNATIVE_FIELDS} for c in alts], ensure_ascii=False
        )
    return text


def read_alternatives(text: str) -> list[dict]:
    """An `alternatives` cell as a list of named candidates; events files written before the
    names (positional lists in ALTERNATIVE_FIELDS order) read the same."""
    return [
        a if isinstance(a, dict) else dict(zip(ALTERNATIVE_FIELDS, a, strict=False))
        for a in json.loads(text or "[]")
    ]


def to_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for col, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col], errors="coerce").astype(dtype)
        else:
            df[col] = df[col].astype(dtype)
    return df.sort_values(["published", "article_id", "start"], kind="stable").reset_index(
        drop=True
    )
