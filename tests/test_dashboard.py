"""The dashboard under Streamlit's AppTest, on a private copy of the bundled data.

The map component is not rendered by AppTest, but its data (the base map's view,
tiles and town labels, and the points layer) is in the component's proto: the tests
count the GeoJSON features there and compare them with what geo.view.slices/geo.view.layer say
the same view should hold.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from geo import models
from geo.table import event_rows, store
from geo.view import layer as map_layer, slices
from tests import mapwire
from tests.datadir import HOSTILE_ARTICLE as HOSTILE, copy_data

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")


@pytest.fixture(scope="session")
def bundled(tmp_path_factory) -> Path:
    return copy_data(tmp_path_factory.mktemp("bundled"), build=True)


@pytest.fixture
def app(monkeypatch, bundled):
    """An AppTest on the shared read-only copy (tests that edit make their own)."""
    monkeypatch.setenv("GEO_DATA_DIR", str(bundled))
    monkeypatch.delenv("GEO_EDITING", raising=False)
    st.cache_data.clear()
    yield AppTest.from_file(APP, default_timeout=30)
    st.cache_data.clear()


def payload(at: AppTest) -> dict:
    """The map component's data, decoded as the browser decodes it."""
    return json.loads(at.get("bidi_component")[0].proto.bytes)


def layer(at: AppTest) -> list[dict]:
    """The points the layer hands to Leaflet, as mapview.js reads the rows (one per point)."""
    return mapwire.features(payload(at)["points"])


def n_points(at: AppTest) -> int:
    return len(layer(at))


def expected_points(data: Path, day, mode="cumulative", window=7, clock="event") -> int:
    df = store.read_events(data / "events.csv")
    return len(map_layer.features(slices.select(df, day, mode, window, clock))["features"])


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


EDITOR = {"is_logged_in": True, "email": "editor@example.org", "email_verified": True}


def editor_app(monkeypatch, data: Path, timeout: float = 60) -> AppTest:
    """An AppTest signed in (st.login mocked through AppTest.user) as an allow-listed editor."""
    monkeypatch.setenv("GEO_DATA_DIR", str(data))
    monkeypatch.setenv("GEO_EDITORS", EDITOR["email"])
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.user = dict(EDITOR)
    return at


def downloads(at: AppTest, manager: MediaFileManager) -> dict[str, str]:
    """Click every download button: label -> the file's text (made only now, as on a click)."""
    files = {}
    for button in at.get("download_button"):
        assert not button.proto.url, "exports are built on click, not on every rerun"
        url = manager.execute_deferred(button.proto.deferred_file_id)
        files[button.proto.label] = manager._storage.get_file(
            url.rsplit("/", 1)[1]
        ).content.decode()
    return files


def provenance_of(page: str) -> dict:
    return json.loads(
        re.search(
            r'<script type="application/json" id="provenance">(.*?)</script>', page, re.S
        ).group(1)
    )


def test_renders_with_map_slider_and_points(app, bundled):
    at = ok(app.run())
    slider = at.slider(key="day")
    df = store.read_events(bundled / "events.csv")
    first, last = slices.day_range(df)
    assert slider.value == last
    assert n_points(at) == expected_points(bundled, last) > 5
    assert payload(at)["view"]["fit"] == map_layer.bounds(store.read_events(bundled / "events.csv"))


def test_slider_changes_points_but_not_the_base_map(app, bundled):
    at = ok(app.run())
    before, base = n_points(at), {k: v for k, v in payload(at).items() if k != "points"}
    ok(at.slider(key="day").set_value(dt.date(2018, 10, 1)).run())
    after = n_points(at)
    assert after == expected_points(bundled, dt.date(2018, 10, 1))
    assert after < before
    # The same base map means the browser keeps the map and swaps only the layer.
    assert {k: v for k, v in payload(at).items() if k != "points"} == base


def test_modes_and_clocks_change_counts_as_expected(app, bundled):
    day = dt.date(2019, 3, 3)
    at = ok(app.run())
    at.slider(key="day").set_value(day)
    cumulative = n_points(ok(at.run()))
    at.radio(key="mode").set_value("day")
    one_day = n_points(ok(at.run()))
    assert one_day == expected_points(bundled, day, "day") < cumulative
    at.radio(key="mode").set_value("window")
    ok(at.run()).number_input(key="window").set_value(10)
    windowed = n_points(ok(at.run()))
    assert windowed == expected_points(bundled, day, "window", 10)
    assert one_day <= windowed <= cumulative
    at.radio(key="mode").set_value("day")
    at.radio(key="clock").set_value("were reported")
    reported = n_points(ok(at.run()))
    assert reported == expected_points(bundled, day, "day", clock="published")


def test_clocks_differ_somewhere(bundled):
    """The two clocks are not the same data: on some day they disagree (guards the test above)."""
    df = store.read_events(bundled / "events.csv")
    days = sorted(set(df["published"].dt.date))
    assert any(
        expected_points(bundled, d, "day") != expected_points(bundled, d, "day", clock="published")
        for d in days
    )


def test_type_filter_keeps_only_that_type(app):
    at = ok(app.run())
    at.multiselect(key="types").set_value(["air strike"])
    at = ok(at.run())
    points = layer(at)  # the type shows as the point's colour and at the end of its tooltip
    assert points and all(f["properties"]["tooltip"].endswith("· air strike") for f in points)
    colours = {f["properties"]["style"]["fillColor"] for f in points}
    assert colours == {map_layer.COLORS["air strike"]}


def test_place_search_matches_spelling_variants(app):
    at = ok(app.run())
    counts = {}
    for query in ("Baghouz", "Baghuz", "baghouz"):
        at.text_input(key="place").set_value(query)
        at = ok(at.run())
        counts[query] = n_points(at)
        places = {f["properties"]["place"] for f in layer(at)}
        assert places and all("bagh" in p.lower() for p in places), places
    assert len(set(counts.values())) == 1
    at.text_input(key="place").set_value("Hajin")
    assert n_points(ok(at.run())) != counts["Baghouz"]


def test_source_filter(app, bundled):
    df = store.read_events(bundled / "events.csv")
    source = df["source"].value_counts().index[0]
    at = ok(app.run())
    at.multiselect(key="sources").set_value([source])
    at = ok(at.run())
    kept = slices.select(slices.filter_events(df, sources=[source]), slices.day_range(df)[1])
    assert len(kept) < len(df)
    assert n_points(at) == len(map_layer.features(kept)["features"])
    assert any(
        h.value.startswith(f"Day brief: {len(slices.day_brief(kept))} report") for h in at.subheader
    )


def test_day_brief_lists_the_days_events(app, bundled):
    day = dt.date(2019, 3, 20)
    at = ok(app.run())
    at.slider(key="day").set_value(day)
    at.radio(key="mode").set_value("day")
    at = ok(at.run())
    df = store.read_events(bundled / "events.csv")
    shown = slices.day_brief(slices.select(df, day, "day"))
    assert any(h.value.startswith(f"Day brief: {len(shown)} report") for h in at.subheader)
    brief = next(h.value for h in at.html if h.value.startswith('<ul class="day-brief">'))
    assert brief.count("<li>") == len(shown)
    assert "Baghouz" in brief or "Baghuz" in brief


def test_exports_are_valid(app, media, bundled):
    """Files are made when a button is clicked: run each deferred callable as the server would."""
    at = ok(app.run())
    at.slider(key="day").set_value(dt.date(2019, 2, 1))
    at = ok(at.run())
    files = downloads(at, media[-1])
    rows = list(csv.DictReader(io.StringIO(files["CSV"])))
    df = store.read_events(bundled / "events.csv")
    assert len(rows) == len(slices.select(df, dt.date(2019, 2, 1))) > 0
    assert list(rows[0]) == list(models.EVENT_COLUMNS)
    geo = json.loads(files["GeoJSON"])
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert all(-90 <= f["geometry"]["coordinates"][1] <= 90 for f in geo["features"])
    page = files["HTML map"]
    assert page.lstrip().lower().startswith("<!doctype html>")
    manifest = provenance_of(page)
    assert manifest["view"]["day"] == "2019-02-01"
    assert manifest["geocoder"]["nominatim_enabled"] is False
    assert manifest["articles"] and manifest["events_built"]


def test_added_article_appears_without_restart(tmp_path, monkeypatch):
    data = copy_data(tmp_path, build=True)
    at = ok(editor_app(monkeypatch, data).run())
    assert at.slider(key="day").value == dt.date(2019, 5, 2)
    at.date_input(key="new_date").set_value(dt.date(2019, 6, 10))
    at.text_input(key="new_source").set_value("Test Wire")
    at.text_area(key="new_text").set_value(
        "SDF fighters stormed Hajin on Monday, a spokesman said."
    )
    at.button[[b.label for b in at.button].index("Add the article")].click()
    at = ok(at.run())
    assert not at.error, [e.value for e in at.error]
    assert any("Added 1 article" in s.value for s in at.success)
    (saved,) = (data / "articles" / "added").glob("*.md")
    assert f'added_by: "{EDITOR["email"]}"' in saved.read_text(encoding="utf-8")
    at.slider(key="day").set_value(dt.date(2019, 6, 10))
    at.radio(key="mode").set_value("day")
    at = ok(at.run())
    assert "Hajin" in {f["properties"]["place"] for f in layer(at)}
    st.cache_data.clear()


def test_bad_paste_shows_the_problem(tmp_path, monkeypatch):
    data = copy_data(tmp_path, build=True)
    monkeypatch.setenv("GEO_MAX_UPLOAD_BYTES", "200")
    at = ok(editor_app(monkeypatch, data).run())
    at.text_area(key="new_text").set_value("Baghouz " * 100)
    at.button[[b.label for b in at.button].index("Add the article")].click()
    at = ok(at.run())
    assert any("limit" in e.value for e in at.error), [e.value for e in at.error]
    assert not (data / "articles" / "added").exists()
    st.cache_data.clear()


def test_reject_correction_removes_the_point(tmp_path, monkeypatch):
    data = copy_data(tmp_path, build=True)
    at = ok(editor_app(monkeypatch, data).run())
    before = n_points(at)
    assert "Hajin" in {f["properties"]["place"] for f in layer(at)}
    at.selectbox(key="fix_place").set_value(("Hajin", "Hajin"))
    at = ok(at.run())
    at.radio(key="fix_action").set_value("reject")
    at.text_input(key="fix_reason").set_value("test: pretend it is a person")
    at.button(key="fix_save").click()
    at = ok(at.run())
    assert not at.error, [e.value for e in at.error]
    rows = list(csv.DictReader((data / "corrections.csv").open(encoding="utf-8")))
    assert rows[-1]["surface"] == "Hajin" and rows[-1]["action"] == "reject"
    assert rows[-1]["editor"] == EDITOR["email"]
    places = {f["properties"]["place"] for f in layer(at)}
    # Other spellings (Hajjin, Hajeen) were not rejected; the name as written was.
    assert n_points(at) <= before
    df = store.read_events(data / "events.csv")
    assert not (df["surface"] == "Hajin").any()
    assert df["surface"].isin(["Hajjin", "Hajeen"]).any() == ("Hajin" in places)
    st.cache_data.clear()


def test_editing_off_hides_editing_even_from_editors(monkeypatch, bundled):
    at = ok(editor_app(monkeypatch, bundled).run())
    assert any(h.value == "Editing" for h in at.header)
    monkeypatch.setenv("GEO_EDITING", "off")
    at = ok(editor_app(monkeypatch, bundled).run())
    assert not any(h.value == "Editing" for h in at.header)
    assert not at.text_area and "fix_save" not in [b.key for b in at.button]


def test_hostile_article_is_escaped_in_the_payload(tmp_path, monkeypatch):
    data = copy_data(tmp_path, extra={"2019-03-04-hostile.md": HOSTILE}, build=True)
    monkeypatch.setenv("GEO_DATA_DIR", str(data))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["day"] = "2019-03-04"
    at = ok(at.run())
    at.slider(key="day").set_value(dt.date(2019, 3, 4))
    at.radio(key="mode").set_value("day")
    at = ok(at.run())
    # What Leaflet will insert as HTML: the decoded popup and tooltip strings.
    html_fields = " ".join(f["properties"]["popup"] + f["properties"]["tooltip"] for f in layer(at))
    assert "__pwned" in html_fields  # the hostile article is on the map...
    assert "&lt;script&gt;window.__pwned" in html_fields  # ...as escaped text
    for bad in ("<script", "<img", "javascript:", 'onerror="', 'href="javascript'):
        assert bad not in html_fields, bad
    assert b"<script>window" not in at.get("bidi_component")[0].proto.bytes
    brief = next(h.value for h in at.html if h.value.startswith('<ul class="day-brief">'))
    assert "__pwned" in brief and "&lt;script&gt;window.__pwned" in brief
    for bad in ("<script", "<img", "javascript:", 'onerror="'):
        assert bad not in brief, bad
    st.cache_data.clear()


def test_play_steps_one_day_and_pause_stops(app):
    """AppTest does not tick run_every, but the first playback step runs with the click."""
    at = ok(app.run())
    at.slider(key="day").set_value(dt.date(2019, 1, 1))
    at = ok(at.run())
    at.button(key="play").click()
    at = ok(at.run())
    assert at.session_state["playing"] is True
    assert at.slider(key="day").value == dt.date(2019, 1, 2)
    at.button(key="play").click()
    at = ok(at.run())
    assert at.session_state["playing"] is False
    assert at.slider(key="day").value == dt.date(2019, 1, 2)


def test_timeline_is_a_control_and_the_header_is_one_line(app):
    """The timeline asks for click selections ("pick", read by geo.view.slices.picked_day, tested
    there and in the browser); play is in the main column (phones hide the sidebar), the
    introduction in an expander."""
    at = ok(app.run())
    chart = at.get("vega_lite_chart")[0].proto
    assert list(chart.selection_mode) == ["pick"]
    assert '"pick"' in chart.spec and "utcyearmonthdate" in chart.spec
    assert at.button(key="play") and "play" not in [b.key for b in at.sidebar.button]
    assert not at.title and at.expander[0].label == "About this map"


def test_map_component_gets_the_layer_as_data_and_its_code_from_the_app(app, bundled, monkeypatch):
    """The map's code (Leaflet included) is the app's own and the same on every run; a
    slider move changes only the data; GEO_TILES picks the tile server or none."""
    at = ok(app.run())
    proto = at.get("bidi_component")[0].proto
    code = proto.js_content
    assert "Leaflet 1.9.4" in code and "export default mount" in code and not proto.js_source_path
    assert payload(at)["tiles"]["url"].startswith("https://tile.openstreetmap.org/")
    towns = payload(at)["towns"]
    assert ["Hajin", 34.6894, 40.8308] in towns
    ok(at.slider(key="day").set_value(dt.date(2018, 12, 1)).run())
    assert at.get("bidi_component")[0].proto.js_content == code
    monkeypatch.setenv("GEO_TILES", "none")
    st.cache_resource.clear()
    at = ok(AppTest.from_file(APP, default_timeout=30).run())
    assert payload(at)["tiles"] is None and payload(at)["towns"] == towns


def test_pick_another_candidate_saves_it_by_name(tmp_path, monkeypatch):
    data = copy_data(tmp_path, build=True)
    df = store.read_events(data / "events.csv")
    row = next(
        r
        for r in df.itertuples()
        if any(a["name"] != r.place for a in event_rows.read_alternatives(r.alternatives))
    )
    other = next(
        a for a in event_rows.read_alternatives(row.alternatives) if a["name"] != row.place
    )
    at = ok(editor_app(monkeypatch, data).run())
    at.selectbox(key="fix_place").set_value((row.surface, row.place))
    at = ok(at.run())
    at.radio(key="fix_action").set_value("pick")
    at = ok(at.run())
    assert at.selectbox(key="fix_alt").value["name"] == other["name"]
    at.text_input(key="fix_reason").set_value("test: the other candidate")
    at.button(key="fix_save").click()
    at = ok(at.run())
    saved = list(csv.DictReader((data / "corrections.csv").open(encoding="utf-8")))[-1]
    assert (saved["action"], saved["name"], saved["surface"]) == (
        "pick",
        other["name"],
        row.surface,
    )
    st.cache_data.clear()
