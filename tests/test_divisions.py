"""States, provinces and counties in the gazetteer: where their points come from, and how
the ranking reads them in context (geo/gazetteer/extra.py, geo/gazetteer/divisions.py,
geo/geoparse/rank.py)."""

from __future__ import annotations

import pytest

from geo.gazetteer import extra as sources
from geo.gazetteer.names import name_key
from geo.geometry import haversine_km
from geo.geoparse.rank import rank


def test_surveyed_points_leave_out_a_division_placed_on_its_namesake_city():
    towns = {("New York City", "US"): [(40.71427, -74.00597, 8_175_133)]}
    points = sources.subdivision_points(towns)
    assert ("US", "new york") not in points  # that database put the state on the city
    lat, lon = points[("CA", name_key("Ontario"))]
    assert lat > 49  # the middle of the province, not of its southern towns


def test_divisions_are_areas_with_their_country(gaz):
    devon = [c for c in gaz.lookup("Devon") if c.kind == "region"]
    assert [(c.country, c.ref) for c in devon] == [("GB", "admin2:GB:England:Devon")]
    scotts = [c for c in gaz.lookup("Scott County") if c.ref.startswith("admin2:US:")]
    assert len(scotts) >= 5 and all(c.kind == "region" and c.population > 0 for c in scotts)
    assert not [c for c in gaz.lookup("Bolton") if c.kind == "region"]  # left to the town


@pytest.mark.parametrize("name, iso", [("Washington state", "US"), ("Lagos State", "NG")])
def test_state_forms_name_a_state_whose_bare_name_is_a_city(gaz, name, iso):
    assert [(c.kind, c.country) for c in gaz.lookup(name)] == [("region", iso)]


def test_country_names_without_the(gaz):
    assert {c.country for c in gaz.lookup("Democratic Republic of Congo")} == {"CD"}
    assert {c.country for c in gaz.lookup("Republic of Congo")} == {"CG"}


def test_united_states_at_geonames_point(gaz):
    us = [c for c in gaz.lookup("United States") if c.kind == "country"][0]
    assert haversine_km(us.lat, us.lon, 39.76, -98.5) < 1


@pytest.mark.parametrize(
    "text, surface, country, near",
    [
        ("Floods hit Devon and Cornwall in south-west England.", "Cornwall", "GB", (50.4, -4.9)),
        (
            "Officials in Scott County, near Davenport, closed schools.",
            "Scott County",
            "US",
            (41.6, -90.6),
        ),
        (
            "The outbreak spread from Mexico to Guatemala; Puebla and Oaxaca reported cases.",
            "Mexico",
            "MX",
            (23.0, -102.0),
        ),
    ],
)
def test_divisions_and_countries_in_context(recognise, text, surface, country, near):
    got = {m.surface: m.candidates[0] for m in rank(recognise(text)) if m.candidates}
    best = got[surface]
    assert best.country == country and haversine_km(best.lat, best.lon, *near) < 100, best
