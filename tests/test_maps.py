"""Map layer, legend, exports: escaped text, one point per place, styles by type and precision."""

import csv
import datetime as dt
import io
import json
import re

import pandas as pd
import pytest

from geo.config import Tiles
from geo.dating.event_types import EVENT_TYPES
from geo.models import EVENT_COLUMNS
from geo.table import event_rows
from geo.view import export, layer, mapview, popups, slices


def row(**over):
    base = {
        "article_id": "a1",
        "title": "Title",
        "source": "Wire",
        "url": "https://example.org/a",
        "published": "2019-03-04",
        "event_date": "2019-03-03",
        "event_end": None,
        "date_precision": "day",
        "date_rule": "'on Sunday' → Sun 3 Mar",
        "surface": "Baghouz",
        "place": "Al-Baghuz Fawqani",
        "lat": 34.4586,
        "lon": 40.9506,
        "kind": "town",
        "place_source": "campaign",
        "score": 1.0,
        "alternatives": "[]",
        "start": 0,
        "end": 7,
        "sentence": "SDF fighters entered Baghouz.",
        "event_type": "ground assault / advance",
    }
    base.update(over)
    return base


def frame(*rows):
    return event_rows.to_frame([row(**r) for r in rows])


def test_one_point_per_place_sized_by_articles():
    df = frame(
        {}, {"article_id": "a2"}, {"article_id": "a3", "place": "Hajin", "lat": 34.69, "lon": 40.83}
    )
    feats = layer.features(df)["features"]
    by_place = {f["properties"]["place"]: f["properties"] for f in feats}
    assert set(by_place) == {"Al-Baghuz Fawqani", "Hajin"}
    assert by_place["Al-Baghuz Fawqani"]["count"] == 2
    assert by_place["Al-Baghuz Fawqani"]["radius"] > by_place["Hajin"]["radius"]


def test_areas_are_listed_not_pinned():
    df = frame({}, {"place": "Syria", "kind": "country", "lat": 35.0, "lon": 38.0})
    assert [f["properties"]["place"] for f in layer.features(df)["features"]] == [
        "Al-Baghuz Fawqani"
    ]
    assert list(layer.areas(df)["place"]) == ["Syria"]


def test_precision_and_imprecise_places_look_different():
    df = frame(
        {},
        {"place": "Hajin", "lat": 34.69, "lon": 40.83, "date_precision": "published", "score": 0.3},
    )
    props = {f["properties"]["place"]: f for f in layer.features(df)["features"]}
    exact, vague = layer._style(props["Al-Baghuz Fawqani"]), layer._style(props["Hajin"])
    assert exact["fillOpacity"] > vague["fillOpacity"]
    assert vague["dashArray"] and not exact["dashArray"]
    assert "approximate location" in props["Hajin"]["properties"]["popup"]


def test_popup_escapes_text_and_drops_unsafe_links():
    df = frame(
        {
            "sentence": "Baghouz <script>x()</script> & <img src=x onerror=y()>",
            "title": "<b>t</b>",
            "url": "javascript:alert(1)",
            "source": "<i>s</i>",
        }
    )
    popup = layer.features(df)["features"][0]["properties"]["popup"]
    assert "<script" not in popup and "<img" not in popup and "<b>t" not in popup
    assert "&lt;script&gt;" in popup and "javascript:" not in popup and "<a " not in popup
    assert "<mark>Baghouz</mark>" in popup and "date rule:" in popup


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://a.org/x", "https://a.org/x"),
        ("http://a.org", "http://a.org"),
        ("javascript:alert(1)", ""),
        ("data:text/html,x", ""),
        ("//a.org", ""),
        ("", ""),
    ],
)
def test_safe_url(url, safe):
    assert popups.safe_url(url) == safe


def test_every_type_has_a_colour_in_the_legend():
    legend = layer.legend_html()
    assert all(t in legend.replace("&amp;", "&") for t in EVENT_TYPES)
    assert "approximate location" in legend and "publication" in legend


def test_map_frame_is_identical_for_the_same_data_and_payload_is_json():
    df = frame({}, {"place": "Hajin", "lat": 34.69, "lon": 40.83})
    fit = layer.bounds(df)
    assert fit == [[34.41, 40.78], [34.74, 41.0]]
    tiles = Tiles("https://t.example.org/{z}/{x}/{y}.png", "© Example")
    a, b = (
        mapview.frame(fit, tiles, [["Hajin", 34.69, 40.83]]),
        mapview.frame(fit, tiles, [["Hajin", 34.69, 40.83]]),
    )
    assert a == b
    data = json.loads(a.payload(layer.features(df)))
    assert data["view"]["fit"] == fit and data["tiles"]["attribution"] == "© Example"
    assert len(data["points"]["rows"]) == 2


def test_layer_sends_one_row_per_point_and_each_style_once():
    df = frame({}, {"place": "Hajin", "lat": 34.69, "lon": 40.83})
    collection = layer.features(df)
    sent = mapview.layer(collection)
    assert len(sent["rows"]) == len(collection["features"]) == 2
    assert len(sent["styles"]) == len(
        {json.dumps(f["properties"]["style"], sort_keys=True) for f in collection["features"]}
    )
    for row, feature in zip(sent["rows"], collection["features"], strict=True):
        props, (lon, lat) = feature["properties"], feature["geometry"]["coordinates"]
        assert dict(zip(mapview.ROW_FIELDS, row, strict=True)) == {
            "lon": lon,
            "lat": lat,
            "place": props["place"],
            "style": sent["styles"].index(props["style"]),
            "tooltip": props["tooltip"],
            "popup": props["popup"],
            "id": None,
        }


def test_towns_come_from_the_gazetteer(tmp_path):
    gazetteer = tmp_path / "gazetteer.csv"
    gazetteer.write_text(
        "name,variants,lat,lon,kind,country,pinned,source\n"
        "Hajin,,34.6894,40.8308,town,SY,yes,x\nNowhere,,,,village,SY,no,x\n"
        "Hajin pocket,,34.7,40.8,region,SY,no,x\n<b>Bad</b>,,34,40,village,SY,yes,x\n"
    )
    assert mapview.read_towns(gazetteer) == [
        ["Hajin", 34.6894, 40.8308],
        ["<b>Bad</b>", 34.0, 40.0],
    ]
    assert mapview.read_towns(tmp_path / "missing.csv") == []


def test_exports():
    df = frame({}, {"place": "Syria", "kind": "country"})
    geo = export.export_geojson(df)
    assert len(geo["features"]) == 1
    assert geo["features"][0]["properties"]["event_date"] == "2019-03-03"
    json.dumps(geo)  # plain JSON types only
    text = export.to_csv_text(df)
    assert text.splitlines()[0].split(",") == list(EVENT_COLUMNS)
    hostile = (
        "</script><script>bad()</script>{{ 7*7 }}{% if 1 %}x{% endif %}<img src=x onerror=alert(1)>"
    )
    page = export.standalone_map(layer.features(df), {"note": hostile, "place": hostile})
    assert "</script><script>bad()" not in page and "bad()" in page and "<img src=x" not in page
    assert "{{ 7*7 }}" in page and "{% if 1 %}" in page  # never evaluated as a template
    assert page.count("</script>") == page.count("<script")  # nothing closed a script early
    assert (
        "Leaflet 1.9.4" in page and '"borders"' in page
    )  # opens offline: Leaflet and basemap inside
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)  # no outside scripts or styles


def test_filters_and_variants():
    groups = slices.variant_groups(
        [("Al-Baghuz Fawqani", "Baghouz|Baghuz"), ("Hajin", "Hajeen|Hajjin")]
    )
    df = frame(
        {},
        {"surface": "Baghuz"},
        {"surface": "Hajeen", "place": "Hajin", "event_type": "air strike"},
    )
    assert len(slices.filter_events(df, place="Baghouz", groups=groups)) == 2
    assert len(slices.filter_events(df, place="hajjin", groups=groups)) == 1
    assert len(slices.filter_events(df, types=["air strike"])) == 1
    assert len(slices.filter_events(df, sources=["Other"])) == 0
    assert len(slices.filter_events(df)) == 3
    assert slices.day_range(df) == (dt.date(2019, 3, 3), dt.date(2019, 3, 4))
    assert slices.per_day(df)["mentions"].sum() == 3


def reference_points(df):
    """The layer's rules written the slow, obvious way (one pandas group per point)."""
    out = {}
    pts = layer.pinned(df)
    for (place, _lat, _lon), g in pts.groupby(["place", "lat", "lon"]):
        g = g.assign(_d=g["event_date"].fillna(pd.Timestamp.min)).sort_values(
            "_d", ascending=False, kind="stable"
        )
        counts = g["event_type"].value_counts()
        top = counts[counts == counts.max()].index
        etype = next(t for t in g["event_type"] if t in top)  # tie: the newer event's type
        out[place] = {
            "count": len(g),
            "articles": g["article_id"].nunique(),
            "type": etype,
            "precision": "day"
            if (g["date_precision"] == "day").any()
            else g["date_precision"].iloc[0],
            "imprecise": bool(
                (g["score"] < layer.IMPRECISE_SCORE).all()
                or g["place_source"].iloc[0] == "unresolved"
            ),
            "newest": [s for s in g["sentence"]],
        }
    return out


def test_point_index_matches_the_reference_on_random_data():
    import random

    rnd = random.Random(3)
    places = [(f"P{i}", 34 + i / 10, 40 + i / 10) for i in range(12)] + [("Syria", 35.0, 38.0)]
    rows = []
    for i in range(400):
        name, lat, lon = rnd.choice(places)
        day = dt.date(2019, 1, 1) + dt.timedelta(days=rnd.randrange(60))
        rows.append(
            {
                "article_id": f"a{rnd.randrange(60)}",
                "place": name,
                "surface": name,
                "lat": lat,
                "lon": lon,
                "kind": "country" if name == "Syria" else "town",
                "sentence": f"S{i} at {name}.",
                "event_date": None if rnd.random() < 0.1 else day.isoformat(),
                "date_precision": rnd.choice(["day", "span", "published"]),
                "score": rnd.random(),
                "place_source": rnd.choice(["campaign", "campaign", "unresolved"]),
                "event_type": rnd.choice(EVENT_TYPES[:3]),
            }
        )
    df = frame(*rows)
    index, days = layer.PointIndex(df), slices.DayIndex(df)
    for day, mode in [
        (dt.date(2019, 2, 1), "cumulative"),
        (dt.date(2019, 1, 20), "window"),
        (dt.date(2019, 1, 9), "day"),
    ]:
        mask = days.mask(day, mode, 7)
        expected = reference_points(df[mask])
        got = {f["properties"]["place"]: f["properties"] for f in index.features(mask)["features"]}
        assert set(got) == set(expected) and "Syria" not in got
        per_popup = max(1, min(layer.POPUP_EVENTS, layer.POPUP_BUDGET // len(got)))
        for place, want in expected.items():
            props = got[place]
            for field in ("count", "articles", "type", "precision", "imprecise"):
                assert props[field] == want[field], (mode, place, field)
            shown = re.findall(r"“(?:<mark>)?(S\d+) at ", props["popup"].replace("<mark>", ""))
            assert shown == [s.split(" at ")[0] for s in want["newest"][:per_popup]], (mode, place)
            assert ("more in the day brief" in props["popup"]) == (want["count"] > per_popup)


def test_many_points_share_a_popup_budget():
    rows = [
        {"place": f"P{i}", "lat": 34 + i / 1000, "article_id": f"a{i}-{k}", "sentence": f"S{k}."}
        for i in range(layer.POPUP_BUDGET // 2)
        for k in range(3)
    ]
    feats = layer.features(frame(*rows))["features"]
    assert len(feats) == layer.POPUP_BUDGET // 2
    popups = [f["properties"]["popup"] for f in feats]
    assert all(p.count('<div class="ev">') == 2 and "… and 1 more" in p for p in popups)


def test_csv_export_keeps_formulas_inert():
    df = frame(
        {
            "title": '=HYPERLINK("http://x.invalid","click")',
            "sentence": "@SUM(A1:A9) in Baghouz",
            "source": "-2+3",
            "url": "https://example.org/a",
        }
    )
    rows = list(csv.DictReader(io.StringIO(export.to_csv_text(df))))
    assert rows[0]["title"].startswith("'=HYPERLINK")
    assert rows[0]["sentence"] == "'@SUM(A1:A9) in Baghouz" and rows[0]["source"] == "'-2+3"
    assert rows[0]["url"] == "https://example.org/a"  # ordinary text is untouched


def test_popup_says_when_the_linked_page_is_later_than_the_article():
    note = "page published 2019-03-19, after this brief's date <b>"
    df = frame({"link_note": note})
    snippet = popups.event_snippet(next(df.itertuples(index=False)))
    assert "after this brief&#x27;s date &lt;b&gt;" in snippet
    assert "after this brief" not in popups.event_snippet(next(frame({}).itertuples(index=False)))
