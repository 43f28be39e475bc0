"""Events as a Parquet dataset for large builds, plus the per-place-per-day table.

Layout under a root (a local folder or any fsspec URL):

    events/month=YYYY-MM/part-NNNNN.parquet   every event row, by month of publication
    daily.parquet                             per place, clock and day: counts by event type,
                                              no text (what the dashboard's map and timeline
                                              read: geo/duckview.py)
    monthly.parquet                           the same per month

The month of publication is always known (an event date may be missing), and an
article's rows stay in one file. File names come from the partition number, so a
task that runs again after a lost worker overwrites its own files and nothing else.
monthly.parquet (daily's cells summed per month) and then daily.parquet are written last:
when daily.parquet exists, the dataset is complete.
"""

from __future__ import annotations

import posixpath

import fsspec
import pandas as pd

from geo.dating.event_types import EVENT_TYPES
from geo.models import EVENT_COLUMNS

EVENTS_DIR = "events"
DAILY_FILE = "daily.parquet"
MONTHLY_FILE = "monthly.parquet"
ROW_GROUP = 20_000
CLOCKS = ("event", "published")
# One cell per place, clock, day (and last day, for a span) and literal/associative role:
# what the slider, the map's points and the timeline need; the text stays in the events.
PLACE_KEYS = ["place", "lat", "lon", "kind"]
DAILY_KEYS = [*PLACE_KEYS, "clock", "day", "end", "literal"]
TYPE_PREFIX = "n:"  # one count column per event type: "n:air strike", ...
TYPE_COLUMNS = [TYPE_PREFIX + t for t in EVENT_TYPES]
# How cells combine across partitions (an article's rows are all in one partition, so
# per-partition article counts add up). other_min/other_max: the other clock's days of the
# cell's rows (publication months for the event clock), to find a view's text quickly.
COMBINE = {
    **{c: "sum" for c in TYPE_COLUMNS},
    "mentions": "sum",
    "articles": "sum",
    "day_mentions": "sum",
    "coarse": "max",
    "best_score": "max",
    "unresolved": "max",
    "other_min": "min",
    "other_max": "max",
}


def write_partition(df: pd.DataFrame, root: str, part: int) -> None:
    """One build partition's rows, one file per month of publication."""
    fs, base = fsspec.core.url_to_fs(root)
    months = df["published"].dt.strftime("%Y-%m")
    for month, rows in df.groupby(months, sort=True):
        folder = posixpath.join(base, EVENTS_DIR, f"month={month}")
        fs.makedirs(folder, exist_ok=True)
        with fs.open(posixpath.join(folder, f"part-{part:05d}.parquet"), "wb") as fh:
            # Small row groups: a reader asking for recent days skips the others by their stats.
            rows.to_parquet(fh, index=False, row_group_size=ROW_GROUP)


def daily_counts(df: pd.DataFrame) -> pd.DataFrame:
    """One partition's cells (see DAILY_KEYS and COMBINE), for both clocks."""
    return pd.concat([_cells(df, clock) for clock in CLOCKS], ignore_index=True)


def _cells(df: pd.DataFrame, clock: str) -> pd.DataFrame:
    if clock == "event":  # an undated row is never on the event clock's slider or timeline
        day, other = df["event_date"], df["published"]
        end = df["event_end"].fillna(df["event_date"])
    else:
        day, end, other = df["published"], df["published"], df["event_date"]
    rows = pd.DataFrame(
        {
            **{k: df[k] for k in PLACE_KEYS},
            "clock": clock,
            "day": day,
            "end": end,
            "literal": df["role"].ne("associative").fillna(True).astype(bool),
            "event_type": df["event_type"],
            "article_id": df["article_id"],
            "is_day": df["date_precision"].eq("day").fillna(False).astype(int),
            "coarse": df["date_precision"].where(df["date_precision"].ne("day")),
            "score": df["score"],
            "unresolved": df["place_source"].eq("unresolved").fillna(False),
            "other": other.astype("datetime64[s]"),
        }
    )[lambda t: t["day"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=[*DAILY_KEYS, *COMBINE])
    # One groupby: the types as 0/1 columns.
    for t, column in zip(EVENT_TYPES, TYPE_COLUMNS, strict=True):
        rows[column] = rows["event_type"].eq(t).fillna(False).astype(int)
    grouped = rows.groupby(DAILY_KEYS, dropna=False, sort=False)
    return grouped.agg(
        mentions=("article_id", "size"),
        articles=("article_id", "nunique"),
        day_mentions=("is_day", "sum"),
        coarse=("coarse", "max"),
        best_score=("score", "max"),
        unresolved=("unresolved", "max"),
        other_min=("other", "min"),
        other_max=("other", "max"),
        **{c: (c, "sum") for c in TYPE_COLUMNS},
    ).reset_index()


def write_daily(parts: list[pd.DataFrame], root: str) -> pd.DataFrame:
    """Combine the partitions' cells, number the places (`pid`, for the dashboard's
    queries) and write daily.parquet (the completion mark), sorted by clock and day so a
    reader's query skips the row groups of days it does not show."""
    table = pd.concat(parts, ignore_index=True) if parts else daily_counts(_no_events())
    table = (
        table.groupby(DAILY_KEYS, dropna=False, sort=False)
        .agg(COMBINE)
        .reset_index()
        .sort_values(["clock", "day", "place", "lat", "lon", "end", "literal"], kind="stable")
        .reset_index(drop=True)
    )
    table.insert(
        0,
        "pid",
        table.groupby(["place", "lat", "lon"], dropna=False, sort=True).ngroup().astype("int32"),
    )
    table["day"] = table["day"].astype("datetime64[s]")
    table["end"] = table["end"].astype("datetime64[s]")
    fs, base = fsspec.core.url_to_fs(root)
    fs.makedirs(base, exist_ok=True)
    with fs.open(posixpath.join(base, MONTHLY_FILE), "wb") as fh:
        monthly(table).to_parquet(fh, index=False)
    with fs.open(posixpath.join(base, DAILY_FILE), "wb") as fh:
        table.to_parquet(fh, index=False, row_group_size=100_000)
    return table


def monthly(daily: pd.DataFrame) -> pd.DataFrame:
    """daily's cells summed per place, clock, role and month (monthly.parquet): a cumulative
    view reads the months before its day's month from here, a few rows per place each."""
    month = daily["day"].dt.to_period("M").dt.start_time.astype("datetime64[s]")
    combine = {**COMBINE, "place": "first", "day": "max", "end": "max"}
    for column in ("articles", "other_min", "other_max"):
        combine.pop(column)
    combine["articles"] = "sum"
    return (
        daily.groupby(["clock", "pid", "literal", month.rename("month")], sort=True)
        .agg(combine)
        .reset_index()
    )


def _no_events() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in EVENT_COLUMNS.items()})


def read_events(root: str) -> pd.DataFrame:
    """Every event row of a dataset (for tests and small stores: it loads them all)."""
    fs, base = fsspec.core.url_to_fs(root)
    files = sorted(fs.glob(posixpath.join(base, EVENTS_DIR, "month=*", "*.parquet")))
    frames = []
    for path in files:
        with fs.open(path, "rb") as fh:
            frames.append(pd.read_parquet(fh))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
