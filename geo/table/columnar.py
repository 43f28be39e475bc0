"""Events as a Parquet dataset for large builds, plus the per-place-per-day table.

Layout under a root (a local folder or any fsspec URL):

    events/month=YYYY-MM/part-NNNNN.parquet   every event row, by month of publication
    daily.parquet                             one row per place, day and facet, no sentences

The month of publication is always known (an event date may be missing), and an
article's rows stay in one file. File names come from the partition number, so a
task that runs again after a lost worker overwrites its own files and nothing else.
daily.parquet is written last: when it exists, the dataset is complete.
"""
from __future__ import annotations

import posixpath

import fsspec
import pandas as pd

EVENTS_DIR = "events"
DAILY_FILE = "daily.parquet"
# What the slider, the map's points and the timeline need; sentences stay in the events.
DAILY_KEYS = ["place", "lat", "lon", "kind", "event_type", "source", "date_precision",
              "event_date", "event_end", "published"]


def write_partition(df: pd.DataFrame, root: str, part: int) -> None:
    """One build partition's rows, one file per month of publication."""
    fs, base = fsspec.core.url_to_fs(root)
    months = df["published"].dt.strftime("%Y-%m")
    for month, rows in df.groupby(months, sort=True):
        folder = posixpath.join(base, EVENTS_DIR, f"month={month}")
        fs.makedirs(folder, exist_ok=True)
        with fs.open(posixpath.join(folder, f"part-{part:05d}.parquet"), "wb") as fh:
            rows.to_parquet(fh, index=False)


def daily_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Mentions and articles per place, day and facet. An article's rows are all in one
    partition, so per-partition article counts add up across partitions."""
    if df.empty:
        return pd.DataFrame(columns=[*DAILY_KEYS, "mentions", "articles"])
    grouped = df.groupby(DAILY_KEYS, dropna=False, sort=False)
    return grouped.agg(mentions=("article_id", "size"), articles=("article_id", "nunique")).reset_index()


def write_daily(parts: list[pd.DataFrame], root: str) -> pd.DataFrame:
    """Combine the partitions' daily counts and write daily.parquet (the completion mark)."""
    table = pd.concat(parts, ignore_index=True) if parts else daily_counts(pd.DataFrame())
    table = (table.groupby(DAILY_KEYS, dropna=False, sort=True)[["mentions", "articles"]].sum()
             .reset_index())
    fs, base = fsspec.core.url_to_fs(root)
    fs.makedirs(base, exist_ok=True)
    with fs.open(posixpath.join(base, DAILY_FILE), "wb") as fh:
        table.to_parquet(fh, index=False)
    return table


def read_events(root: str) -> pd.DataFrame:
    """Every event row of a dataset (for tests and small stores: it loads them all)."""
    fs, base = fsspec.core.url_to_fs(root)
    files = sorted(fs.glob(posixpath.join(base, EVENTS_DIR, "month=*", "*.parquet")))
    frames = []
    for path in files:
        with fs.open(path, "rb") as fh:
            frames.append(pd.read_parquet(fh))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
