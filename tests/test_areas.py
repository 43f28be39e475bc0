"""One name per area: provinces and districts written in different spellings are one area in the
events table, the "Countries and regions" panel, the place filter and the exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.gazetteer.names import AREA_SUFFIXES, area_name, name_key
from geo.geoparse.rank import rank
from geo.table import store
from geo.view import export, layer, popups, slices

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "surface, written, canonical, want",
    [
        ("Deir el-Zour province", "Deir el-Zour", "Deir ez-Zor", "Deir ez-Zor province"),
        ("Deir al-Zor Governorate", "Deir al-Zor", "Deir ez-Zor", "Deir ez-Zor province"),
        ("Al Boukamal District", "Al Boukamal", "Abu Kamal", "Abu Kamal district"),
        ("Hasakah province's", "Hasakah", "Al-Hasakah", "Al-Hasakah province"),
        ("Eastern Syria", "Syria", "Syria", "eastern Syria"),
        ("Sinjar district", "Sinjar", "Sinjar (Iraq)", "Sinjar district"),
        ("Kherson region", "Kherson", "Kherson", "Kherson region"),
    ],
)
def test_area_name(surface, written, canonical, want):
    assert area_name(surface, written, canonical) == want


@pytest.mark.parametrize(
    "spellings, want",
    [
        (
            (
                "Deir ez-Zor province",
                "Deir el-Zour province",
                "Deir al-Zor Province",
                "Deir Ezzor governorate",
            ),
            "Deir ez-Zor province",
        ),
        (
            ("Abu Kamal district", "Albukamal district", "Al Boukamal district"),
            "Abu Kamal district",
        ),
    ],
)
def test_recogniser_names_each_area_once(recognise, spellings, want):
    for written in spellings:
        text = f"Clashes went on in {written}, near Hajin in Syria, on Monday."
        area = [m for m in rank(recognise(text)) if m.surface == written]
        assert area and area[0].candidates[0].name == want, (written, area)


@pytest.fixture(scope="module")
def bundled():
    return popups.with_snippets(store.read_events(ROOT / "data" / "events.csv"))


def area_of(place: str) -> tuple[str, str]:
    """(the campaign place an area is named after, its area word), or the name alone."""
    name, _, word = place.rpartition(" ")
    groups = slices.read_variant_groups(ROOT / "data" / "gazetteer.csv")
    if word in AREA_SUFFIXES:
        for group in groups:
            if name_key(name) in group:
                return min(group), word
    return name_key(place), ""


def test_area_panel_lists_each_region_once(bundled):
    first, last = slices.day_range(bundled)
    shown = {}
    for clock in ("event", "published"):
        panel = layer.areas(bundled[slices.DayIndex(bundled).mask(last, "cumulative", clock=clock)])
        shown[clock] = places = list(panel["place"])
        assert len({area_of(p) for p in places}) == len(places), places
    # Background mentions ("in Abu Kamal district") carry no event day,
    # so the publication clock shows all.
    assert {"Deir ez-Zor province", "Abu Kamal district"} <= set(shown["published"])


def test_place_filter_finds_every_spelling_of_an_area(bundled):
    groups = slices.read_variant_groups(ROOT / "data" / "gazetteer.csv")
    provinces = bundled["place"] == "Deir ez-Zor province"
    assert set(bundled.loc[provinces, "surface"]) >= {
        "Deir el-Zour province",
        "Deir al-Zor province",
    }
    for query in ("Deir el-Zour", "Deir al-Zor province", "deir ez-zor"):
        assert slices.place_mask(bundled, query, groups)[provinces].all(), query


def test_exports_carry_the_canonical_area_name(bundled):
    text = export.to_csv_text(bundled[bundled["surface"] == "Albukamal district"])
    assert "Abu Kamal district" in text
    assert all(
        f["properties"]["place"] != "Albukamal district"
        for f in export.export_geojson(bundled)["features"]
    )
