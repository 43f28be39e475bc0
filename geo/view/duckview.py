"""The dashboard's queries of a Parquet events store (geo/table/columnar.py), run by DuckDB.

For builds too large for one pandas table. Counts (the map's points, the timeline, the
countries beside the map) come from daily.parquet, a few columns per place and day with no
text, queried in place on every slider move: nothing is loaded up front. Rows with text (a
popup, the day brief, an export) are read from the month files on demand, and only from the
months that daily.parquet says hold the newest rows wanted, so memory follows what is shown,
not the corpus. A view selects rows by the rules of geo.view.slices.DayIndex.mask.
"""

from __future__ import annotations

import datetime as dt
import posixpath

import duckdb
import fsspec
import pandas as pd

from geo.dating.event_types import EVENT_TYPES
from geo.models import EVENT_COLUMNS
from geo.table import columnar
from geo.view.duckquery import (
    EVENT_DAYS,
    MONTH,
    NO_DAY,
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
        self.root, self._fs, self._base = root, fs, base
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
        self.last_sql = ""  # the last query that read the month files (for tests and logs)
        self._places_made = False
        first, last, self.n_mentions = self._one(
            'SELECT min(day), max("end"), '
            f"coalesce(sum(mentions) FILTER (clock = 'published'), 0)"
            f" FROM {self.daily}"
        )
        self.first, self.last = as_date(first), as_date(last)

    def _one(self, sql: str, params: list | None = None) -> tuple:
        with self.con.cursor() as cur:
            row = cur.execute(sql, params or []).fetchone()
        return row if row is not None else ()

    def _df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.con.cursor() as cur:
            return cur.execute(sql, params or []).df()

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
            FROM {self._events_files()} e JOIN {self._places()} p ON e.place = p.place
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

    def sources(self) -> list[str]:
        files = self._events_files()
        if not files:
            return []
        return [
            s
            for (s,) in self.con.cursor()
            .execute(f"SELECT DISTINCT source FROM {files} WHERE source IS NOT NULL ORDER BY 1")
            .fetchall()
        ]

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
        files = self._events_files(months)
        if not files:
            return pd.DataFrame({c: pd.Series(dtype=t) for c, t in EVENT_COLUMNS.items()})
        if since > NO_DAY:
            cond += " AND d_start >= ? AND event_date >= CAST(? AS TIMESTAMP)"
            params += [since, since]
        self.last_sql = f"""
            SELECT * EXCLUDE (d_start, d_end, d_pub, pinned) FROM (
                SELECT *, {EVENT_DAYS} FROM {files}) WHERE {cond}
            ORDER BY d_start DESC NULLS LAST, place, published, article_id, start LIMIT ?"""
        out = self._df(self.last_sql, [*params, wanted])
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

    def _events_files(self, months: list[str] | None = None) -> str:
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

    def place_names(self) -> pd.DataFrame:
        """Every (place, surface) pair of the events: what the place filter searches."""
        files = self._events_files()
        if not files:
            return pd.DataFrame({"place": [], "surface": []})
        return self._df(f"SELECT DISTINCT place, surface FROM {files} ORDER BY place, surface")

    def n_articles(self) -> int:
        files = self._events_files()
        return int(self._one(f"SELECT count(DISTINCT article_id) FROM {files}")[0]) if files else 0
