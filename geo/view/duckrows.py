"""A Parquet store's event rows with text (popups, the day brief, exports), read by DuckDB
from the month files only. Before reading, a plan from daily.parquet's counts says how far
back (in event days) the newest rows wanted reach and which months of publication can hold
rows that recent, so memory follows what is shown, not the corpus. geo.view.duckview's Store
owns the counts and reads its rows here.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable

import duckdb
import fsspec
import pandas as pd

from geo.models import EVENT_COLUMNS
from geo.table import columnar
from geo.view.duckquery import (
    EVENT_DAYS,
    MONTH,
    NO_DAY,
    Place,
    Selection,
    count_of,
    days_condition,
    filters_condition,
)

# A FROM clause of daily.parquet's cells in a selection meeting a condition, and its parameters
Cells = Callable[[Selection, str], tuple[str, list]]


def query_one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple:
    """The first row of a query, on a cursor of its own; () when there is none."""
    with con.cursor() as cur:
        row = cur.execute(sql, params or []).fetchone()
    return row if row is not None else ()


def query_df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """A query's rows as a table, on a cursor of its own."""
    with con.cursor() as cur:
        return cur.execute(sql, params or []).df()


class MonthRows:
    """The month files of one store (under `base` on `fs`; `url` makes a path DuckDB reads),
    with `cells` the store's daily cells that the plan counts."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        fs: fsspec.AbstractFileSystem,
        base: str,
        url: Callable[[str], str],
        cells: Cells,
    ):
        self.con, self._fs, self._base, self._url, self._cells = con, fs, base, url, cells
        self.last_sql = ""  # the last query that read the month files (for tests and logs)

    def rows(
        self, sel: Selection, place: Place | None = None, limit: int = 150, distinct: bool = False
    ) -> pd.DataFrame:
        """The newest `limit` event rows of the view (one point's pinned rows with `place`),
        newest event first as the popups and the day brief list them; `distinct`: one row
        per article, place and sentence, as the day brief (among the newest 2 x `limit`)."""
        start, end = ("d_pub", "d_pub") if sel.clock == "published" else ("d_start", "d_end")
        days, params = days_condition(sel, start, end)
        filters, p2 = filters_condition(sel)
        # The same bounds on the raw columns, so that DuckDB skips row groups by their stats.
        after = sel.day + dt.timedelta(days=1)
        raw = "published" if sel.clock == "published" else "event_date"
        cond = f"{days} AND {filters} AND {raw} < CAST(? AS TIMESTAMP)"
        params = [*params, *p2, after]
        if sel.types:
            cond += " AND event_type IN (SELECT unnest(?::VARCHAR[]))"
            params.append(list(sel.types))
        if place is not None:
            cond += " AND pinned AND place = ? AND lat = ? AND lon = ?"
            params += [place.name, place.lat, place.lon]
        wanted = limit * (2 if distinct else 1)
        since, months = self._plan(sel, place, wanted)
        files = self.files(months)
        if not files:
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in EVENT_COLUMNS.items()})
        if since > NO_DAY:
            cond += " AND d_start >= ? AND event_date >= CAST(? AS TIMESTAMP)"
            params += [since, since]
        self.last_sql = f"""
            SELECT * EXCLUDE (d_start, d_end, d_pub, pinned) FROM (
                SELECT *, {EVENT_DAYS} FROM {files}) WHERE {cond}
            ORDER BY d_start DESC NULLS LAST, place, published, article_id, start LIMIT ?"""
        out = query_df(self.con, self.last_sql, [*params, wanted])
        if distinct:
            out = out.drop_duplicates(["article_id", "place", "sentence"])
        return out.head(limit).reset_index(drop=True)

    def _plan(self, sel: Selection, place: Place | None, wanted: int) -> tuple[dt.date, list[str]]:
        """How far back (in event days) the newest `wanted` rows of a view reach, and the
        months of publication that can hold rows that recent: the text is read from those
        files only. Approximate counts (outlet filter, cells of other types) only widen it."""
        extra = f"({count_of(sel.types)}) > 0"
        if place is not None:
            extra += f" AND literal AND pid = {int(place.pid)}"
        if sel.clock == "event":  # the last month first: enough for most views, and exact
            recent = self._plan_cells(
                sel, f"{extra} AND day >= DATE '{sel.day - MONTH}'", wanted, partial=True
            )
            if recent is not None:
                return recent
        return self._plan_cells(sel, extra, wanted, partial=False) or (NO_DAY, [])

    def _plan_cells(
        self, sel: Selection, extra: str, wanted: int, partial: bool
    ) -> tuple[dt.date, list[str]] | None:
        """_plan over the cells meeting `extra`; None if there are none, or if they are only
        some (`partial`) and hold fewer than `wanted` rows."""
        cells, params = self._cells(sel, extra)
        # Event clock: a cell is one event day, its publication days are other_min..other_max.
        # Published clock: a cell's event days are other_min..other_max (NULL: undated rows).
        newest, oldest, pub_lo, pub_hi = (
            ("day", "day", "other_min", "other_max")
            if sel.clock == "event"
            else (
                f"coalesce(other_max, DATE '{NO_DAY}')",
                f"coalesce(other_min, DATE '{NO_DAY}')",
                "day",
                "day",
            )
        )
        with self.con.cursor() as cur:
            per = cur.execute(
                f"""
                SELECT CAST({newest} AS DATE), CAST(min({oldest}) AS DATE), sum(mentions),
                       CAST(min({pub_lo}) AS DATE), CAST(max({pub_hi}) AS DATE)
                FROM {cells} GROUP BY 1 ORDER BY 1 DESC""",
                params,
            ).fetchall()
        total, since = 0, None
        for _, oldest_day, n, _, _ in per:
            since = oldest_day if since is None else min(since, oldest_day)
            total += n
            if total >= wanted:
                break
        if since is None or (partial and total < wanted):
            return None
        reach = [(lo, hi) for newest_day, _, _, lo, hi in per if newest_day >= since]
        months = pd.period_range(min(lo for lo, _ in reach), max(hi for _, hi in reach), freq="M")
        return since, [m.strftime("%Y-%m") for m in months]

    def files(self, months: list[str] | None = None) -> str:
        """A read_parquet() of the month files (all with None), or '' when there are none."""
        folders = ["month=*"] if months is None else [f"month={m}" for m in months]
        files = [
            self._url(f)
            for folder in folders
            for f in sorted(
                self._fs.glob(posixpath.join(self._base, columnar.EVENTS_DIR, folder, "*.parquet"))
            )
        ]
        if not files:
            return ""
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        return f"read_parquet([{listed}], hive_partitioning = false)"

    def sources(self) -> list[str]:
        files = self.files()
        if not files:
            return []
        return [
            s
            for (s,) in self.con.cursor()
            .execute(f"SELECT DISTINCT source FROM {files} WHERE source IS NOT NULL ORDER BY 1")
            .fetchall()
        ]

    def place_names(self) -> pd.DataFrame:
        """Every (place, surface) pair of the events: what the place filter searches."""
        files = self.files()
        if not files:
            return pd.DataFrame({"place": [], "surface": []})
        return query_df(
            self.con, f"SELECT DISTINCT place, surface FROM {files} ORDER BY place, surface"
        )

    def n_articles(self) -> int:
        files = self.files()
        return (
            int(query_one(self.con, f"SELECT count(DISTINCT article_id) FROM {files}")[0])
            if files
            else 0
        )
