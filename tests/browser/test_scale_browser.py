"""The dashboard on a Parquet store (GEO_EVENTS) in a real browser: the points come without
popups, and opening one asks the server, which answers with the place's sentences queried
from the store by DuckDB."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.table import columnar, store
from geo.view import layer, slices
from tests.datadir import copy_data

from .conftest import ROOT, App
from .mapprobe import POINTS, WAIT_MS, open_map, wait_points

pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def parquet_app(browser, tmp_path_factory, artifacts):
    """The bundled events as the Dask build would write them, served through GEO_EVENTS."""
    tmp = tmp_path_factory.mktemp("parquet-app")
    df = store.read_events(ROOT / "data" / "events.csv")
    columnar.write_partition(df, str(tmp / "store"), 0)
    columnar.write_daily([columnar.daily_counts(df)], str(tmp / "store"))
    app = App(
        copy_data(tmp, articles=False),
        artifacts / "streamlit-parquet.log",
        env={"GEO_EVENTS": str(tmp / "store")},
    )
    app.events = df
    yield app
    app.stop()


def test_opening_a_point_fetches_its_sentences_from_the_store(page, parquet_app, artifacts):
    day = dt.date(2019, 1, 23)
    open_map(page, f"{parquet_app.url}?day={day.isoformat()}&mode=that+day")
    shown = slices.select(parquet_app.events, day, "day")
    wait_points(page, len(layer.features(shown)["features"]))
    page.wait_for_timeout(1000)  # the map settles after fitting its bounds
    page.locator(POINTS).first.dispatch_event("click")
    page.wait_for_selector(".leaflet-popup-content", timeout=WAIT_MS)
    # "Loading…" first, then the server's answer replaces it.
    page.wait_for_function(
        """() => { const c = document.querySelector('.leaflet-popup-content');
        return c && c.querySelector('h4') && c.innerText.includes('date rule'); }""",
        timeout=WAIT_MS,
    )
    text = " ".join(page.locator(".leaflet-popup-content").inner_text().split())
    place = page.locator(".leaflet-popup-content h4").inner_text()
    sentences = shown.loc[shown["place"] == place, "sentence"]
    assert len(sentences) and any(" ".join(s.split())[:60] in text for s in sentences)
    assert not page.errors
    page.screenshot(path=artifacts / "popup-parquet.png")
