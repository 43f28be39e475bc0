"""What the dashboard shows of the events table: the rows of a slider day, the filters,
the timeline's counts and the day brief."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.gazetteer.names import name_key

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


class DayIndex:
    """Each row's days as integers, worked out once per data version.

    A slider move is then three integer comparisons over the table (well under a
    millisecond at 50k rows) instead of datetime arithmetic on pandas columns.
    """

    _NEVER = np.iinfo(np.int64).max // 2  # a missing date is after every slider day

    def __init__(self, df: pd.DataFrame):
        def days(values: pd.Series) -> np.ndarray:
            raw = np.asarray(values, dtype="datetime64[s]")
            out = raw.astype("datetime64[D]").astype(np.int64)
            out[np.isnat(raw)] = self._NEVER
            return out

        self.start = days(df["event_date"])
        self.end = np.where(
            np.isnat(np.asarray(df["event_end"], dtype="datetime64[s]")),
            self.start,
            days(df["event_end"]),
        )
        self.published = days(df["published"])

    def mask(
        self, day: dt.date, mode: str = "cumulative", window: int = 7, clock: str = "event"
    ) -> np.ndarray:
        """Boolean row mask for a slider position (the rules of `select`)."""
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {MODES}")
        d = np.datetime64(pd.Timestamp(day).date(), "D").astype(np.int64)  # days since 1970
        start, end = (
            (self.published, self.published) if clock == "published" else (self.start, self.end)
        )
        if mode == "cumulative":
            return start <= d
        first = d if mode == "day" else d - (max(1, window) - 1)
        return (start <= d) & (end >= first)


def select(
    df: pd.DataFrame, day: dt.date, mode: str = "cumulative", window: int = 7, clock: str = "event"
) -> pd.DataFrame:
    """Rows shown for a slider position. clock: 'event' (when it happened) or 'published'.

    A span event counts on every day it covers; 'window' shows the `window` days
    ending on `day`. The dashboard keeps a DayIndex per data version instead.
    """
    return df[DayIndex(df).mask(day, mode, window, clock)]


def variant_groups(gazetteer_rows: Iterable[tuple[str, str]]) -> list[frozenset[str]]:
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
    # Every spelling of a matched place: "Deir el-Zour" finds the area written
    # "Deir al-Zor province".
    return matched | df["place"].isin(set(df.loc[matched, "place"].dropna()))


def filter_events(
    df: pd.DataFrame,
    types: Collection[str] = (),
    sources: Collection[str] = (),
    place: str = "",
    groups: Sequence[frozenset[str]] = (),
) -> pd.DataFrame:
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
    out = (
        df.dropna(subset=[column])
        .groupby([column, "event_type"])
        .size()
        .rename("mentions")
        .reset_index()
        .rename(columns={column: "day"})
    )
    return out.sort_values("day", kind="stable").reset_index(drop=True)


def picked_day(state: Any, param: str = "pick") -> dt.date | None:  # any shape: checked below
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
    stamp = (
        pd.to_datetime(value, unit="ms", utc=True, errors="coerce")
        if isinstance(value, (int, float))
        else pd.to_datetime(value, utc=True, errors="coerce")
    )
    return None if pd.isna(stamp) else stamp.date()


def day_brief(df: pd.DataFrame, mask: np.ndarray | None = None) -> pd.DataFrame:
    """The shown events (`mask` of df's rows, or all) as a reading list: newest day first, one
    row per article and place."""
    cols = [
        "event_date",
        "event_end",
        "published",
        "place",
        "kind",
        "event_type",
        "sentence",
        "title",
        "source",
        "url",
        "link_note",
        "date_rule",
        "article_id",
    ]
    out = (df[cols] if mask is None else df.loc[mask, cols]).drop_duplicates(
        ["article_id", "place", "sentence"]
    )
    return out.sort_values(
        ["event_date", "place"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)
