"""The dashboard's queries of a Parquet events store (geo/table/columnar.py), run by DuckDB.

For builds too large for one pandas table. Counts (the map's points, the timeline, the
countries beside the map) come from daily.parquet, a few columns per place and day with no
text, queried in place on every slider move: nothing is loaded up front. Rows with text (a
popup, the day brief, an export) are read from the month files on demand, and only from the
months that daily.parquet says hold the newest rows wanted, so memory follows what is shown,
not the corpus (geo.view.duckrows reads them; this module holds the counts). A view selects
rows by the rules of geo.view.slices.DayIndex.mask.
"""

from __future__ import annotations

import posixpath

import duckdb
import fsspec
import pandas as pd

from geo.dating.event_types import EVENT_TYPES
from geo.table import columnar
from geo.view.duckquery import (
    PINNED_LIST,
    Counts,
    Place,
    Selection,
    areas_of,
    as_date,
    count_of,
    days_condition,
    filters_condition,
    points_of,
    quoted,
)
from geo.view.duckrows import MonthRows, query_df, query_one


def store_version(root: str) -> str:
    """Changes whenever the store is rebuilt (daily.parquet, written last, is replaced)."""
    fs, base = fsspec.core.url_to_fs(root)
    info = fs.info(posixpath.join(base, columnar.DAILY_FILE))
    stamp = info.get("mtime") or info.get("LastModified") or info.get("updated") or ""
    return f"{stamp}:{info.get('size')}"


class Store:
    """One Parquet store (a folder or fsspec URL) opened for queries. Safe to share between
    sessions: each query runs on a cursor of its own."""

    def __init__(self, root: str):
        fs, base = fsspec.core.url_to_fs(root)
        self.root = root
        self.con = duckdb.connect()
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        local = protocol in ("file", "local")
        if not local:
            self.con.register_filesystem(fs)
        self._url = (lambda p: p) if local else fs.unstrip_protocol
        daily = self._url(posixpath.join(base, columnar.DAILY_FILE))
        self.daily = "read_parquet('" + daily.replace("'", "''") + "')"
        monthly = self._url(posixpath.join(base, columnar.MONTHLY_FILE))
        self.monthly = "read_parquet('" + monthly.replace("'", "''") + "')"
        self._places_made = False
        self.month_rows = MonthRows(self.con, fs, base, self._url, self._cells)
        first, last, self.n_mentions = self._one(
            'SELECT min(day), max("end"), '
            f"coalesce(sum(mentions) FILTER (clock = 'published'), 0)"
            f" FROM {self.daily}"
        )
        self.first, self.last = as_date(first), as_date(last)

    def _one(self, sql: str, params: list | None = None) -> tuple:
        return query_one(self.con, sql, params)

    def _df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return query_df(self.con, sql, params)

    def _cells(self, sel: Selection, extra: str = "TRUE", prefix: bool = False) -> tuple[str, list]:
        """FROM-clause of daily's cells in `sel` on its clock, and the parameters. daily has
        no outlets: with an outlet filter, each event row of those outlets is a cell. With
        `prefix`, a cumulative view reads whole months before the day's month as one cell
        per place and month (the monthly table: only the columns of Counts)."""
        days, p1 = days_condition(sel, "day", '"end"')
        filters, p2 = filters_condition(sel, with_sources=False)
        p0: list[object]
        if sel.sources:
            source, p0 = self._row_cells(sel), [sel.clock, list(sel.sources)]
        elif prefix and sel.mode == "cumulative":
            month, cols = sel.day.replace(day=1), ", ".join(self._monthly())
            source = (
                f"(SELECT {cols} FROM {self.monthly} WHERE clock = ? AND month < ? UNION ALL "
                f"SELECT {cols} FROM {self.daily} WHERE clock = ? AND day >= ?)"
            )
            p0 = [sel.clock, month, sel.clock, month]
        else:
            source, p0 = self.daily, []
        return (
            f"{source} WHERE clock = ? AND {days} AND {filters} AND {extra}",
            [*p0, sel.clock, *p1, *p2],
        )

    def _monthly(self) -> list[str]:
        """The columns a cumulative view reads from monthly.parquet and daily.parquet."""
        types = [quoted(c) for c in columnar.TYPE_COLUMNS]
        return [
            "clock",
            "pid",
            "literal",
            "place",
            "day",
            '"end"',
            "mentions",
            "articles",
            "day_mentions",
            *types,
            "coarse",
            "best_score",
            "unresolved",
        ]

    def _row_cells(self, sel: Selection) -> str:
        """The event rows of sel's outlets as one-row cells of daily.parquet's layout (the
        parameter: the outlets). Reads the events: seconds, not milliseconds, at 10 M rows."""
        day, end, other = (
            ("published", "published", "event_date")
            if sel.clock == "published"
            else ("event_date", "coalesce(event_end, event_date)", "published")
        )
        types = ", ".join(
            f"(e.event_type = '{t.replace(chr(39), chr(39) * 2)}')::INT AS "
            f"{quoted(columnar.TYPE_PREFIX + t)}"
            for t in EVENT_TYPES
        )
        return f"""(
            SELECT p.pid, e.place, e.lat, e.lon, e.kind, ? AS clock, CAST(e.{day} AS DATE) AS day,
                   CAST({end} AS DATE) AS "end", coalesce(e.role, '') <> 'associative' AS literal,
                   1 AS mentions, 1 AS articles, (e.date_precision = 'day')::INT AS day_mentions,
                   CASE WHEN e.date_precision <> 'day' THEN e.date_precision END AS coarse,
                   e.score AS best_score, e.place_source = 'unresolved' AS unresolved,
                   CAST(e.{other} AS DATE) AS other_min, CAST(e.{other} AS DATE) AS other_max,
                   {types}
            FROM {self.month_rows.files()} e JOIN {self._places()} p ON e.place = p.place
                 AND e.lat IS NOT DISTINCT FROM p.lat AND e.lon IS NOT DISTINCT FROM p.lon
            WHERE e.source IN (SELECT unnest(?::VARCHAR[])) AND e.{day} IS NOT NULL)"""

    def _places(self) -> str:
        """A table of daily's places by number, made the first time it is needed."""
        if self._places_made:
            return "places"
        with self.con.cursor() as cur:
            cur.execute(f"""CREATE TABLE IF NOT EXISTS places AS SELECT pid,
                any_value(place) AS place,
                any_value(lat) AS lat, any_value(lon) AS lon, any_value(kind) AS kind,
                any_value(kind) IN ({PINNED_LIST}) AND any_value(lat) IS NOT NULL
                    AND any_value(lon) IS NOT NULL AS pinned
                FROM {self.daily} GROUP BY pid""")
        self._places_made = True
        return "places"

    def bounds(self, pad: float = 0.05) -> list[list[float]] | None:
        """[[south, west], [north, east]] around every point, as geo.view.layer.bounds."""
        row = self._one(
            f"SELECT min(lat), min(lon), max(lat), max(lon) FROM {self.daily} "
            f"WHERE literal AND kind IN ({PINNED_LIST})"
        )
        if not row or row[0] is None:
            return None
        s, w, n, e = row
        return [[round(s - pad, 2), round(w - pad, 2)], [round(n + pad, 2), round(e + pad, 2)]]

    def counts(self, sel: Selection) -> Counts:
        """The view's points, areas and mentions, from one pass over daily's cells (numbers
        only: names join the few thousand places afterwards)."""
        types = sel.types or tuple(EVENT_TYPES)
        cells, params = self._cells(sel, prefix=True)
        sums = ", ".join(
            f"sum({quoted(columnar.TYPE_PREFIX + t)}) AS t{i}" for i, t in enumerate(types)
        )
        df = self._df(
            f"""
            SELECT c.*, p.place, p.lat, p.lon, p.kind, p.pinned FROM (
                SELECT pid, literal, sum({count_of(sel.types)})::BIGINT AS mentions,
                       sum(articles)::BIGINT AS articles, sum(day_mentions) > 0 AS any_day,
                       max(coarse) AS coarse, max(best_score) AS best_score,
                       bool_or(unresolved) AS unresolved, {sums}
                FROM {cells} GROUP BY pid, literal) c JOIN {self._places()} p USING (pid)""",
            params,
        )
        return Counts(points_of(df, types), areas_of(df), int(df["mentions"].sum()))

    def per_day(self, sel: Selection) -> pd.DataFrame:
        """Mentions per day and event type on sel's clock over every day (a span counts on its
        first day): the timeline, as geo.view.slices.per_day."""
        filters, params = filters_condition(sel, with_sources=False)
        types = sel.types or tuple(EVENT_TYPES)
        sums = ", ".join(
            f"sum({quoted(columnar.TYPE_PREFIX + t)})::BIGINT AS {quoted(t)}" for t in types
        )
        wide = self._df(
            f"SELECT day, {sums} FROM {self.daily} WHERE clock = ? AND {filters} "
            "GROUP BY day ORDER BY day",
            [sel.clock, *params],
        )
        long = wide.melt(id_vars="day", var_name="event_type", value_name="mentions")
        long = long[long["mentions"] > 0].sort_values(["day", "event_type"], kind="stable")
        return long.assign(day=pd.to_datetime(long["day"])).reset_index(drop=True)

    def place(self, pid: int) -> Place | None:
        row = self._one(
            f"SELECT pid, place, lat, lon FROM {self.daily} WHERE pid = ? LIMIT 1", [pid]
        )
        return Place(int(row[0]), str(row[1]), float(row[2]), float(row[3])) if row else None

    @property
    def last_sql(self) -> str:
        """The last query that read the month files (for tests and logs)."""
        return self.month_rows.last_sql

    def rows(
        self, sel: Selection, place: Place | None = None, limit: int = 150, distinct: bool = False
    ) -> pd.DataFrame:
        """The newest `limit` event rows of the view: see MonthRows.rows."""
        return self.month_rows.rows(sel, place, limit, distinct)

    def sources(self) -> list[str]:
        return self.month_rows.sources()

    def place_names(self) -> pd.DataFrame:
        """Every (place, surface) pair of the events: what the place filter searches."""
        return self.month_rows.place_names()

    def n_articles(self) -> int:
        return self.month_rows.n_articles()
