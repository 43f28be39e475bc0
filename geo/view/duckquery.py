"""The pieces of a Parquet-store view: the SQL conditions for the rows a slider position
selects (the rules of geo.view.slices.DayIndex.mask), the outlet and place filters and the
event-type counts, and the shaping of the counts into the map's points and areas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.dating.event_types import EVENT_TYPES
from geo.models import PINNED_KINDS
from geo.table import columnar
from geo.view.layer import POINT_COLUMNS
from geo.view.slices import MODES

NO_DAY = dt.date(1, 1, 1)  # a missing event date: after every dated row, newest first
MONTH = dt.timedelta(days=31)
PINNED_LIST = ", ".join(f"'{k}'" for k in PINNED_KINDS)
# An event row's days on each clock (a missing end is the first day), and whether the map
# pins it, as daily.parquet has them.
EVENT_DAYS = f"""
    CAST(event_date AS DATE) AS d_start, CAST(coalesce(event_end, event_date) AS DATE) AS d_end,
    CAST(published AS DATE) AS d_pub,
    kind IN ({PINNED_LIST}) AND lat IS NOT NULL AND lon IS NOT NULL
        AND coalesce(role, '') <> 'associative' AS pinned"""


@dataclass(frozen=True)
class Selection:
    """The rows a view shows: the slider's day and rules (as in geo.view.slices.View) and the
    filters; `places` are the place filter's matches (None: no place filter)."""

    day: dt.date
    mode: str = "cumulative"
    window: int = 7
    clock: str = "event"
    types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    places: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Place:
    """A point of the map: its number in daily.parquet, name and coordinates."""

    pid: int
    name: str
    lat: float
    lon: float


def as_date(value: dt.date | None) -> dt.date:
    """A day from DuckDB (a datetime for a timestamp column); today when there is none."""
    if value is None:
        return dt.date.today()
    return value.date() if isinstance(value, dt.datetime) else value


def days_condition(sel: Selection, start: str, end: str) -> tuple[str, list]:
    """SQL condition on a row's first and last day (columns `start`, `end`) for `sel`."""
    if sel.mode not in MODES:
        raise ValueError(f"mode {sel.mode!r} is not one of {MODES}")
    if sel.mode == "cumulative":
        return f"{start} <= ?", [sel.day]
    first = sel.day - dt.timedelta(days=0 if sel.mode == "day" else max(1, sel.window) - 1)
    return f"{start} <= ? AND {end} >= ?", [sel.day, first]


def filters_condition(sel: Selection, with_sources: bool = True) -> tuple[str, list]:
    """SQL condition for the outlet and place filters (event types are columns of daily)."""
    clauses, params = ["TRUE"], []
    if sel.sources and with_sources:
        clauses.append("source IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(sel.sources))
    if sel.places is not None:
        clauses.append("place IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(sel.places))
    return " AND ".join(clauses), params


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def count_of(types: tuple[str, ...]) -> str:
    """daily's mentions of these event types (all with none), as an SQL expression."""
    if not types:
        return "mentions"
    return " + ".join(quoted(columnar.TYPE_PREFIX + t) for t in types if t in EVENT_TYPES) or "0"


@dataclass(frozen=True)
class Counts:
    """What a slider position shows, as counts.

    points: one row per point shown: pid, place, lat, lon, mentions, articles (an article
    counts once per day it reports the place on), the most frequent event type (a tie: the
    first in EVENT_TYPES), precision ('day' if any mention is dated to the day, else the
    coarsest other), best ranking score and whether any mention is unresolved.
    areas: countries, regions and rivers, as geo.view.layer.areas. shown: every mention shown."""

    points: pd.DataFrame
    areas: pd.DataFrame
    shown: int


def points_of(df: pd.DataFrame, types: tuple[str, ...]) -> pd.DataFrame:
    type_columns = [f"t{i}" for i in range(len(types))]
    df = df[(df["literal"] & df["pinned"] & (df["mentions"] > 0)).to_numpy()]
    df = df.sort_values("pid").reset_index(drop=True)
    counts = df[type_columns].fillna(0).to_numpy()
    df["event_type"] = np.asarray(types, dtype=object)[counts.argmax(axis=1)] if len(df) else []
    df["precision"] = np.where(df["any_day"], "day", df["coarse"].fillna("published"))
    return df[list(POINT_COLUMNS)]


def areas_of(df: pd.DataFrame) -> pd.DataFrame:
    a = df.loc[
        (~df["kind"].isin(PINNED_KINDS) & (df["mentions"] > 0)).to_numpy(),
        ["place", "kind", "mentions", "articles"],
    ]
    return (
        a.groupby(["place", "kind"], as_index=False)[["mentions", "articles"]]
        .sum()
        .sort_values(["mentions", "place"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
