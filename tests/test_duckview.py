"""geo/duckview.py against the pandas path: a Parquet store of the bundled events (and of
synthetic ones) gives the points, counts, timeline, brief and popups that geo.view.slices
and geo.view.layer give for the same table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("duckdb")
from geo.config import ROOT  # noqa: E402
from geo.table import columnar  # noqa: E402
from geo.table.store import read_events  # noqa: E402
from geo.view import duckquery, layer, slices  # noqa: E402
from geo.view.duckquery import Selection  # noqa: E402
from geo.view.duckview import Store  # noqa: E402
from tests.benchmarks.synth import events as synth_events  # noqa: E402

DAYS = [dt.date(2018, 10, 1), dt.date(2019, 1, 15), dt.date(2019, 3, 3), dt.date(2019, 3, 23)]


def write_store(df: pd.DataFrame, root: Path, parts: int = 3) -> Path:
    """`df` as the Dask build writes it: partitions by article, then daily.parquet."""
    ids = sorted(df["article_id"].unique())
    daily = []
    for part in range(parts):
        rows = df[df["article_id"].isin(ids[part::parts])]
        columnar.write_partition(rows, str(root), part)
        daily.append(columnar.daily_counts(rows))
    columnar.write_daily(daily, str(root))
    return root


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> tuple[pd.DataFrame, Store]:
    df = read_events(ROOT / "data" / "events.csv")
    return df, Store(str(write_store(df, tmp_path_factory.mktemp("bundled-store"))))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[pd.DataFrame, Store]:
    df = synth_events(3000, 150, 120)
    df.loc[df.index % 7 == 0, "role"] = "associative"
    df.loc[df["place"].str.endswith(("3", "7")), "kind"] = "region"  # a kind is a place's
    df.loc[df.index % 13 == 0, "event_date"] = pd.NaT
    return df, Store(str(write_store(df, tmp_path_factory.mktemp("synthetic-store"))))


def expected_points(df: pd.DataFrame, sel: Selection) -> dict[str, int]:
    """place -> mentions of each point geo.view.layer draws for the same view."""
    table = slices.filter_events(df, sel.types, sel.sources)
    shown = table[slices.DayIndex(table).mask(sel.day, sel.mode, sel.window, sel.clock)]
    return {
        f["properties"]["place"]: f["properties"]["count"]
        for f in layer.features(shown)["features"]
    }


def views():
    for day in DAYS[1:]:
        for mode in slices.MODES:
            for clock in ("event", "published"):
                yield Selection(day, mode, 5, clock)


@pytest.mark.parametrize("which", ["bundled", "synthetic"])
def test_points_and_counts_are_those_of_the_pandas_path(which, request):
    df, store = request.getfixturevalue(which)
    for sel in views():
        counts = store.counts(sel)
        got = dict(zip(counts.points["place"], counts.points["mentions"], strict=True))
        assert got == expected_points(df, sel), sel
        mask = slices.DayIndex(df).mask(sel.day, sel.mode, sel.window, sel.clock)
        assert counts.shown == int(mask.sum()), sel
        areas = layer.areas(df[mask])
        assert dict(zip(counts.areas["place"], counts.areas["mentions"], strict=True)) == dict(
            zip(areas["place"], areas["mentions"], strict=True)
        ), sel


def test_type_and_outlet_filters(synthetic):
    df, store = synthetic
    day = dt.date(2018, 12, 1)
    for sel in (
        Selection(day, types=("air strike", "statement")),
        Selection(day, mode="window", window=9, types=("air strike",)),
        Selection(day, sources=("Synthetic Wire",)),
        Selection(day, sources=("Nobody",)),
    ):
        got = store.counts(sel).points
        got_counts = dict(zip(got["place"], got["mentions"], strict=True))
        assert got_counts == expected_points(df, sel), sel


def test_place_filter_keeps_only_those_places(bundled):
    df, store = bundled
    sel = Selection(DAYS[-1], places=("Hajin", "Baghouz"))
    assert set(store.counts(sel).points["place"]) == {"Hajin", "Baghouz"} & set(df["place"])
    assert store.counts(Selection(DAYS[-1], places=())).shown == 0


def test_map_layer_matches_the_pandas_layer_but_without_popups(bundled):
    df, store = bundled
    sel = Selection(DAYS[2], "window", 10)
    ours = layer.aggregate_features(store.counts(sel).points)["features"]
    theirs = layer.features(slices.select(df, sel.day, "window", 10))["features"]
    key = lambda f: f["properties"]["place"]  # noqa: E731
    for a, b in zip(sorted(ours, key=key), sorted(theirs, key=key), strict=True):
        assert a["geometry"] == b["geometry"]
        for prop in ("place", "count", "imprecise", "precision"):
            assert a["properties"][prop] == b["properties"][prop], (key(a), prop)
        assert "popup" not in a["properties"] and isinstance(a["properties"]["id"], int)


@pytest.mark.parametrize("clock", ["event", "published"])
def test_timeline_counts_are_per_day_of_the_pandas_path(bundled, clock):
    df, store = bundled
    got = store.per_day(Selection(DAYS[0], clock=clock))
    want = slices.per_day(df, clock)
    pd.testing.assert_frame_equal(
        got[["day", "event_type", "mentions"]].astype(want.dtypes),
        want.sort_values(["day", "event_type"]).reset_index(drop=True),
        check_dtype=False,
    )


@pytest.mark.parametrize("which", ["bundled", "synthetic"])
def test_brief_is_the_newest_of_the_day_brief(which, request):
    df, store = request.getfixturevalue(which)
    for sel in views():
        mask = slices.DayIndex(df).mask(sel.day, sel.mode, sel.window, sel.clock)
        want = slices.day_brief(df, mask)
        got = store.rows(sel, limit=20, distinct=True)
        assert len(got) == min(20, len(want)), sel
        # The same rows, newest first (ties within a day may come in another order).
        cols = ["article_id", "place", "sentence"]
        assert got["event_date"].tolist() == want["event_date"].head(20).tolist(), sel
        assert set(map(tuple, got[cols].to_numpy())) <= set(map(tuple, want[cols].to_numpy()))


def test_popup_rows_are_the_points_newest_and_read_only_some_months(synthetic):
    df, store = synthetic
    sel = Selection(dt.date(2018, 10, 20), "window", 10)
    points = store.counts(sel).points
    point = next(points.sort_values("mentions").itertuples(index=False))
    place = duckquery.Place(int(point.pid), point.place, float(point.lat), float(point.lon))
    rows = store.rows(sel, place=place, limit=layer.POPUP_EVENTS)
    shown = slices.select(df, sel.day, "window", 10)
    mine = layer.pinned(shown[shown["place"] == point.place])
    assert len(rows) == min(layer.POPUP_EVENTS, len(mine)) > 0
    assert (
        sorted(rows["event_date"], reverse=True)
        == sorted(mine["event_date"], reverse=True)[: len(rows)]
    )
    months = {m.strftime("%Y-%m") for m in pd.to_datetime(mine["published"])}
    # Only the months that hold this window's rows are read, not the whole store.
    assert "month=" in store.last_sql and all(f"month={m}" in store.last_sql for m in months)
    assert "month=2019-01" not in store.last_sql
    popup = layer.fetched_popup(point, rows)
    assert popup["id"] == point.pid and popup["html"].startswith(f"<h4>{point.place}</h4>")


def test_popup_text_is_escaped(tmp_path):
    df = synth_events(30, 3, 10)
    df["sentence"] = "<img src=x onerror=alert(1)> Fighters took " + df["place"]
    store = Store(str(write_store(df, tmp_path, parts=1)))
    sel = Selection(dt.date(2018, 9, 30))
    point = next(store.counts(sel).points.itertuples(index=False))
    place = duckquery.Place(int(point.pid), point.place, float(point.lat), float(point.lon))
    html = layer.fetched_popup(point, store.rows(sel, place=place, limit=3))["html"]
    assert "<img" not in html and "&lt;img src=x" in html


def test_store_facts(bundled):
    df, store = bundled
    first, last = slices.day_range(df)
    assert (store.first, store.last) == (first, last)
    assert store.n_mentions == len(df) and store.n_articles() == df["article_id"].nunique()
    assert store.bounds() == layer.bounds(df)
    assert store.sources() == sorted(df["source"].dropna().unique())
    assert set(store.place_names()["place"]) == set(df["place"])


def test_an_unknown_mode_is_refused(bundled):
    with pytest.raises(ValueError, match="mode"):
        bundled[1].counts(Selection(DAYS[0], mode="weekly"))
