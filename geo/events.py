"""The events table: one row per place mention, built, stored and sliced with pandas."""
from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .event_types import classify
from .files import atomic_write
from .models import EVENT_COLUMNS, Article, Mention, Place
from .names import name_key

if TYPE_CHECKING:  # the dashboard imports this module; dateparser is only needed to build
    from .dates import EventDate

_SENTENCE_END = re.compile(r"(?<=[.!?\u201d\"])\s+(?=[A-Z\u201c\"“#])|\n\s*\n|\n")
MODES = ("cumulative", "day", "window")


@dataclass(frozen=True)
class View:
    """What a reader chose: the dates shown and the filters. The dashboard's controls make it,
    the slider adds the day; exports name their files after it and record it in their manifest."""
    clock: str  # "event" (the day it happened) or "published"
    mode: str  # one of MODES
    window: int  # days, for mode "window"
    types: tuple[str, ...] = ()
    place: str = ""
    sources: tuple[str, ...] = ()
    speed: float = 1.0  # playback: seconds a day
    day: str = ""  # ISO date, once the slider has its value


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


def article_rows(article: Article, mentions: list[Mention], places: list[Place | None],
                 dates: list[EventDate], contexts: list[tuple[str, str]] | None = None) -> list[dict]:
    """One row per mention with a place; `contexts` from mention_contexts() when already known."""
    rows = []
    if contexts is None:
        contexts = mention_contexts(article.text, mentions)
    # One JSON text per alternatives list: mentions of one name share their candidates. Keyed
    # on object ids, which stay unique while `mentions` and `places` hold the objects.
    alternatives: dict[tuple, str] = {}
    for mention, place, when, (sentence, event_type) in zip(mentions, places, dates, contexts, strict=True):
        if place is None:  # an editor rejected it: not a place
            continue
        rows.append({
            "article_id": article.id, "title": article.title, "source": article.source,
            "url": article.url, "link_note": article.link_note, "published": article.published,
            "event_date": when.start, "event_end": when.end, "date_precision": when.precision,
            "date_rule": when.rule, "surface": mention.surface, "place": place.name,
            "lat": place.lat, "lon": place.lon, "kind": place.kind, "place_source": place.source,
            "score": place.score,
            "alternatives": _alternatives_json(place.alternatives[:5], alternatives),
            "start": mention.start, "end": mention.end, "sentence": sentence,
            "event_type": event_type, "role": mention.role,
        })
    return rows


# The fields of each candidate in the `alternatives` column, written as named JSON objects.
ALTERNATIVE_FIELDS = ("name", "lat", "lon", "kind", "country", "source", "ref", "score")


def _alternatives_json(alts: tuple, memo: dict[tuple, str]) -> str:
    key = tuple(map(id, alts))
    text = memo.get(key)
    if text is None:
        text = memo[key] = json.dumps([{f: getattr(c, f) for f in ALTERNATIVE_FIELDS} for c in alts],
                                      ensure_ascii=False)
    return text


def read_alternatives(text: str) -> list[dict]:
    """An `alternatives` cell as a list of named candidates; events files written before the
    names (positional lists in ALTERNATIVE_FIELDS order) read the same."""
    return [a if isinstance(a, dict) else dict(zip(ALTERNATIVE_FIELDS, a, strict=False))
            for a in json.loads(text or "[]")]


def to_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    for col, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col], errors="coerce").astype(dtype)
        else:
            df[col] = df[col].astype(dtype)
    return df.sort_values(["published", "article_id", "start"], kind="stable").reset_index(drop=True)


def events_csv(df: pd.DataFrame, cell=None) -> str:
    """The text of data/events.csv for a table; `cell`, if given, maps every text cell."""
    out = df[list(EVENT_COLUMNS)].copy()
    for col, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif cell is not None and dtype == "string":
            out[col] = out[col].astype(object).map(cell)
    return out.to_csv(index=False, lineterminator="\n", float_format="%.6f")


def write_events(df: pd.DataFrame, path: Path) -> None:
    """Atomic: a reader sees the old file or the new one, never half of one."""
    atomic_write(path, events_csv(df))


def read_events(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={c: t for c, t in EVENT_COLUMNS.items() if not t.startswith("datetime")},
                     keep_default_na=False, na_values={"lat": [""], "lon": [""]})
    if "role" not in df.columns:  # written before roles existed: every row was a literal place
        df["role"] = pd.Series("literal", index=df.index, dtype="string")
    missing = [c for c in EVENT_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; rebuild it with `python -m geo build`")
    for col, dtype in EVENT_COLUMNS.items():
        if dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col].replace("", None), errors="coerce").astype(dtype)
    return df[list(EVENT_COLUMNS)]


class DayIndex:
    """Each row's days as integers, worked out once per data version.

    A slider move is then three integer comparisons over the table (well under a
    millisecond at 50k rows) instead of datetime arithmetic on pandas columns.
    """

    _NEVER = np.iinfo(np.int64).max // 2  # a missing date is after every slider day

    def __init__(self, df: pd.DataFrame):
        def days(values) -> np.ndarray:
            raw = np.asarray(values, dtype="datetime64[s]")
            out = raw.astype("datetime64[D]").astype(np.int64)
            out[np.isnat(raw)] = self._NEVER
            return out

        self.start = days(df["event_date"])
        self.end = np.where(np.isnat(np.asarray(df["event_end"], dtype="datetime64[s]")), self.start,
                            days(df["event_end"]))
        self.published = days(df["published"])

    def mask(self, day: dt.date, mode: str = "cumulative", window: int = 7,
             clock: str = "event") -> np.ndarray:
        """Boolean row mask for a slider position (the rules of `select`)."""
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {MODES}")
        d = np.datetime64(pd.Timestamp(day).date(), "D").astype(np.int64)  # days since 1970
        start, end = (self.published, self.published) if clock == "published" else (self.start, self.end)
        if mode == "cumulative":
            return start <= d
        first = d if mode == "day" else d - (max(1, window) - 1)
        return (start <= d) & (end >= first)


def select(df: pd.DataFrame, day: dt.date, mode: str = "cumulative", window: int = 7,
           clock: str = "event") -> pd.DataFrame:
    """Rows shown for a slider position. clock: 'event' (when it happened) or 'published'.

    A span event counts on every day it covers; 'window' shows the `window` days
    ending on `day`. The dashboard keeps a DayIndex per data version instead.
    """
    return df[DayIndex(df).mask(day, mode, window, clock)]


# --- Views of the table for the dashboard: filters, timeline, day brief, exports ---------

def variant_groups(gazetteer_rows) -> list[frozenset[str]]:
    """Spelling variants per campaign place, as folded keys: {"al baghuz fawqani", "baghouz", ...}.

    `gazetteer_rows` are (name, variants) pairs, variants '|'-separated as in data/gazetteer.csv.
    """
    groups = []
    for name, variants in gazetteer_rows:
        keys = {name_key(v) for v in [name, *str(variants or "").split("|")] if v and v.strip()}
        if keys:
            groups.append(frozenset(keys))
    return groups


def read_variant_groups(path: Path) -> list[frozenset[str]]:
    """Variant groups from the campaign gazetteer CSV; none when the file is missing."""
    if not path.exists():
        return []
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return variant_groups(zip(table.get("name", []), table.get("variants", []), strict=False))


def place_mask(df: pd.DataFrame, query: str, groups: Sequence[frozenset[str]] = ()) -> pd.Series:
    """Rows whose place or surface matches `query`, spelling variants included.

    The query matches a name when its folded form occurs in it ("baghu" finds
    "Baghuz"); a query equal to any variant of a gazetteer place also finds every
    other spelling of that place (Baghouz finds Baghuz and Al-Baghuz Fawqani).
    """
    key = name_key(query or "")
    if not key:
        return pd.Series(True, index=df.index)
    names = set(df["place"].dropna()) | set(df["surface"].dropna())
    folded = {n: name_key(n) for n in names}
    wanted = {k for k in folded.values() if key in k}
    for group in groups:
        if key in group or any(key in g for g in group) or wanted & group:
            wanted |= group
    hits = {n for n, k in folded.items() if k in wanted}
    matched = df["place"].isin(hits) | df["surface"].isin(hits)
    # Every spelling of a matched place: "Deir el-Zour" finds the area written "Deir al-Zor province".
    return matched | df["place"].isin(set(df.loc[matched, "place"].dropna()))


def filter_events(df: pd.DataFrame, types=(), sources=(), place: str = "",
                  groups: Sequence[frozenset[str]] = ()) -> pd.DataFrame:
    """Event-type, outlet and place filters; an empty filter keeps everything (the same frame)."""
    if not types and not sources and not (place and place.strip()):
        return df
    mask = pd.Series(True, index=df.index)
    if types:
        mask &= df["event_type"].isin(list(types))
    if sources:
        mask &= df["source"].isin(list(sources))
    if place and place.strip():
        mask &= place_mask(df, place, groups)
    return df[mask]


def day_range(df: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """First and last day over both clocks, so switching clocks keeps the slider's range."""
    days = pd.concat([df["event_date"], df["event_end"], df["published"]]).dropna()
    if days.empty:
        today = dt.date.today()
        return today, today
    return days.min().date(), days.max().date()


def per_day(df: pd.DataFrame, clock: str = "event") -> pd.DataFrame:
    """Mentions per day and event type, on the chosen clock (a span counts on its first day)."""
    column = "published" if clock == "published" else "event_date"
    out = (df.dropna(subset=[column]).groupby([column, "event_type"]).size()
           .rename("mentions").reset_index().rename(columns={column: "day"}))
    return out.sort_values("day", kind="stable").reset_index(drop=True)


def picked_day(state, param: str = "pick") -> dt.date | None:
    """The day of the timeline bar a reader clicked, from a Vega-Lite chart's selection state
    (Chromium sends {"selection": {"pick": [{"utcyearmonthdate_day": "2018-10-19T00:00:00.000Z"}]}};
    milliseconds since 1970 are read too); None when nothing is picked or it is not understood."""
    try:
        picks = (state or {}).get("selection", {}).get(param) or []
        values = [v for k, v in picks[0].items() if k == "day" or k.endswith("_day")]
    except (AttributeError, IndexError, TypeError):
        return None
    if not values:
        return None
    value = values[0]
    stamp = pd.to_datetime(value, unit="ms", utc=True, errors="coerce") if isinstance(value, (int, float)) \
        else pd.to_datetime(value, utc=True, errors="coerce")
    return None if pd.isna(stamp) else stamp.date()


def day_brief(df: pd.DataFrame, mask: np.ndarray | None = None) -> pd.DataFrame:
    """The shown events (`mask` of df's rows, or all) as a reading list: newest day first, one
    row per article and place."""
    cols = ["event_date", "event_end", "published", "place", "kind", "event_type", "sentence",
            "title", "source", "url", "link_note", "date_rule", "article_id"]
    out = (df[cols] if mask is None else df.loc[mask, cols]).drop_duplicates(["article_id", "place", "sentence"])
    return out.sort_values(["event_date", "place"], ascending=[False, True],
                           na_position="last", kind="stable").reset_index(drop=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value):
    """A cell a spreadsheet would run as a formula ("=HYPERLINK(...)") gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def to_csv_text(df: pd.DataFrame) -> str:
    """The events table as CSV in the same layout as data/events.csv (for exports).

    Article text is data, never a formula: text cells that a spreadsheet would evaluate are
    prefixed with an apostrophe (the OWASP advice for CSV injection)."""
    return events_csv(df, _inert)


def provenance(df: pd.DataFrame, settings, view: View, corrections=(),
               built: dt.datetime | None = None) -> dict:
    """What an export was made from: its articles, the geocoder settings, corrections, build date."""
    arts = df.drop_duplicates("article_id")
    return {
        "view": asdict(view),
        "events": int(len(df)),
        "articles": [{"id": r.article_id, "title": r.title, "source": r.source, "url": r.url,
                      "link_note": r.link_note,
                      "published": r.published.date().isoformat()} for r in arts.itertuples(index=False)],
        "geocoder": {"offline_gazetteer": str(settings.gazetteer_path.name),
                     "nominatim_enabled": settings.nominatim_enabled,
                     "nominatim_domain": settings.nominatim_domain if settings.nominatim_enabled else None,
                     "country_codes": list(settings.country_codes),
                     "viewbox": list(settings.viewbox) if settings.viewbox else None,
                     "language": settings.language},
        "corrections_applied": [{"article_id": c.article_id, "surface": c.surface, "action": c.action,
                                 "name": c.name, "lat": c.lat, "lon": c.lon, "reason": c.reason,
                                 "decided": c.decided} for c in corrections],
        "events_built": built.isoformat(timespec="seconds") if built else None,
    }
