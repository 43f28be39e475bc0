"""The events table on disk: data/events.csv, written atomically and read back typed."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from geo.files import atomic_write
from geo.models import EVENT_COLUMNS


def events_csv(df: pd.DataFrame, cell: Callable[[object], object] | None = None) -> str:
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
