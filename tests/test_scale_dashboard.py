"""The dashboard on a Parquet store of 1 M synthetic mentions (GEO_EVENTS), under AppTest:
it renders, the slider moves the points, and a popup's sentences are queried from the
store by DuckDB when the map reports the point a reader opened."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.dataset as pads
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

pytest.importorskip("duckdb")
from geo.view import duckview  # noqa: E402
from geo.view.duckquery import Selection  # noqa: E402
from geo.view.duckview import Store  # noqa: E402
from tests import mapwire  # noqa: E402
from tests.benchmarks.synth import mentions_store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
N_MENTIONS = 1_000_000


@pytest.fixture(scope="session")
def store_root(tmp_path_factory) -> Path:
    """Made once per test session (a few seconds): 1 M mentions, 2,000 places, 200 days."""
    return mentions_store(
        tmp_path_factory.mktemp("scale") / "store", N_MENTIONS, 2000, 200, part_articles=100_000
    )


@pytest.fixture(scope="session")
def store(store_root) -> Store:
    return Store(str(store_root))


@pytest.fixture
def app(monkeypatch, store_root):
    monkeypatch.setenv("GEO_EVENTS", str(store_root))
    monkeypatch.setenv("GEO_EDITING", "off")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield AppTest.from_file(APP, default_timeout=120)
    st.cache_resource.clear()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def layer(at: AppTest) -> dict:
    """The map's points: `features` as mapview.js reads the rows, and a fetched `popup`."""
    points = json.loads(at.get("bidi_component")[0].proto.bytes)["points"]
    return {
        "features": mapwire.features(points),
        **{k: v for k, v in points.items() if k == "popup"},
    }


def test_renders_from_the_store(app, store):
    at = ok(app.run())
    assert at.slider(key="day").value == store.last
    points = layer(at)["features"]
    want = store.counts(Selection(store.last)).points
    assert len(points) == len(want) > 1000
    assert sorted(p["properties"]["id"] for p in points) == sorted(want["pid"])
    assert all("popup" not in p["properties"] for p in points)  # asked for on a click
    assert any(f"{N_MENTIONS} place mentions" in c.value for c in at.caption)


def test_slider_and_permalink_change_the_points(app, store):
    at = ok(app.run())
    before = layer(at)["features"]
    day = store.first + dt.timedelta(days=40)
    ok(at.slider(key="day").set_value(day).run())
    after = layer(at)["features"]
    assert len(after) == len(store.counts(Selection(day)).points) < len(before)
    at.radio(key="mode").set_value("day")
    one_day = layer(ok(at.run()))["features"]
    assert len(one_day) == len(store.counts(Selection(day, "day")).points) < len(after)
    # The same view from a link, in a new session.
    link = AppTest.from_file(APP, default_timeout=120)
    link.query_params.update(day=day.isoformat(), mode="that day")
    assert layer(ok(link.run()))["features"] == one_day


def test_a_popup_is_queried_from_the_store_when_the_map_reports_it(app, store, monkeypatch):
    queried = []
    rows = duckview.Store.rows

    def spy(self, sel, place=None, limit=150, distinct=False):
        out = rows(self, sel, place, limit, distinct)
        queried.append((place, self.last_sql))
        return out

    monkeypatch.setattr(duckview.Store, "rows", spy)
    at = ok(app.run())
    busiest = int(
        store.counts(Selection(store.last)).points.sort_values("mentions")["pid"].iloc[-1]
    )
    point = next(f for f in layer(at)["features"] if f["properties"]["id"] == busiest)["properties"]
    at.session_state["map"] = {"open": point["id"]}  # what the map sends when a popup opens
    popup = layer(ok(at.run()))["popup"]
    assert popup["id"] == point["id"] and popup["html"].startswith(f"<h4>{point['place']}</h4>")
    place, sql = next((p, s) for p, s in queried if p is not None)
    assert place.pid == point["id"] and "read_parquet" in sql and "month=" in sql
    # The popup lists the place's newest sentences, as the Parquet files hold them.
    events = pads.dataset(store.root + "/events", format="parquet", partitioning="hive")
    mine = events.to_table(
        columns=["place", "event_date", "sentence"], filter=pads.field("place") == point["place"]
    ).to_pandas()
    newest = mine[mine["event_date"] == mine["event_date"].max()]["sentence"]
    assert any(
        s.replace(point["place"], f"<mark>{point['place']}</mark>") in popup["html"] for s in newest
    )
    at.session_state["map"] = {"open": None}  # closed: nothing is queried or sent
    assert "popup" not in layer(ok(at.run()))


def test_a_missing_store_is_named_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_EVENTS", str(tmp_path / "nowhere"))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "nowhere" in at.error[0].value and "--parquet" in at.error[0].value
