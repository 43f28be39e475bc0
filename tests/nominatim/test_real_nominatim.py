"""The project's Nominatim client against the official Nominatim software.

The server (see conftest.py) serves campaign.sqlite, built from campaign.osm: the
campaign's places plus decoys elsewhere (Sousse, Saimbeyli alias Hadjin, Bolton, Sousa in
Brazil). Every expectation below is what Nominatim 5.3.3 actually answered; the "control"
tests show each decoy is really found when the campaign bias is off, so the biased tests
are proving something.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from geo.config import CAMPAIGN_VIEWBOX, Settings
from geo.geocode.nominatim import NominatimClient

SOUTH, WEST, NORTH, EAST = CAMPAIGN_VIEWBOX

# (name as mapped, lat, lon): the campaign.osm nodes, from shared/reference/gazetteer.csv.
HAJIN = ("Hajin", 34.6894, 40.8308)
SUSAH = ("al-Susah", 34.5289, 40.9675)
HOL_CAMP = ("al-Hol camp", 36.3756, 41.1486)
HAWL_TOWN = ("al-Hawl", 36.3914, 41.1514)
ABU_KAMAL = ("Abu Kamal", 34.4536, 40.9367)


@pytest.fixture
def make_client(nominatim_server):
    """Build the project's client for the test server, with or without the campaign bias."""
    domain = urlsplit(nominatim_server).netloc

    def make(country_codes=("sy", "iq"), viewbox=CAMPAIGN_VIEWBOX) -> NominatimClient:
        settings = Settings(nominatim_domain=domain, nominatim_scheme="http",
                            country_codes=country_codes, viewbox=viewbox, language="en",
                            min_delay=0.0, max_retries=0, timeout=10.0)
        return NominatimClient(settings)
    return make


@pytest.fixture
def campaign(make_client):
    return make_client()


@pytest.fixture
def unbiased(make_client):
    return make_client(country_codes=(), viewbox=None)


def summary(candidates):
    return [(c.name, c.country, c.lat, c.lon) for c in candidates]


def assert_is(candidate, expected):
    name, lat, lon = expected
    assert (candidate.name, candidate.lat, candidate.lon) == \
        (name, pytest.approx(lat, abs=1e-4), pytest.approx(lon, abs=1e-4))


def in_region(candidate) -> bool:
    return SOUTH <= candidate.lat <= NORTH and WEST <= candidate.lon <= EAST


# --- Hajin, not Saimbeyli (historically Hadjin) -----------------------------------------

def test_hajin_with_campaign_bias_is_the_syrian_town_only(campaign):
    found = campaign.search("Hajin")
    assert len(found) == 1, summary(found)
    assert_is(found[0], HAJIN)
    assert found[0].country == "SY" and found[0].kind == "town"
    assert found[0].source == "nominatim" and found[0].ref == "node/1002"


def test_control_hajin_without_bias_also_finds_saimbeyli(unbiased):
    found = unbiased.search("Hajin")
    # Nominatim ranks the main-name match first, the old_name match (Saimbeyli) second;
    # both have the same importance, so the bias above is what removes the decoy.
    assert [(c.name, c.country) for c in found] == [("Hajin", "SY"), ("Saimbeyli", "TR")]


def test_hadjin_spelling_finds_nothing_in_the_campaign_but_saimbeyli_without_bias(
        campaign, unbiased):
    # "Hadjin" is only Saimbeyli's old name in this extract: with the bias, no answer
    # at all is the right one (the caller then keeps the gazetteer's reading).
    assert campaign.search("Hadjin") == []
    assert [(c.name, c.country) for c in unbiased.search("Hadjin")] == [("Saimbeyli", "TR")]


def test_arabic_name_finds_hajin(campaign):
    found = campaign.search("هجين")
    assert len(found) == 1, summary(found)
    assert_is(found[0], HAJIN)


# --- Susa / Sousa: al-Susah or nothing, never Sousse --------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("Susa", None),  # only Sousse carries this spelling: the bias leaves nothing
    ("Sousa", SUSAH),
    ("al-Sousa", SUSAH),
    ("Sousse", None),
])
def test_susa_spellings_never_give_sousse(campaign, query, expected):
    found = campaign.search(query)
    assert all(c.country != "TN" and in_region(c) for c in found), summary(found)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1, summary(found)
        assert_is(found[0], expected)


def test_control_susa_without_bias_is_sousse_and_sousa_is_brazil_first(unbiased):
    assert [(c.name, c.country) for c in unbiased.search("Susa")] == [("Sousse", "TN")]
    # Surprise worth knowing: unbiased, "Sousa" ranks the Brazilian town above al-Susah
    # (an exact main-name match beats an alt_name match).
    assert [(c.name, c.country) for c in unbiased.search("Sousa")] == \
        [("Sousa", "BR"), ("al-Susah", "SY")]


def test_viewbox_alone_prefers_the_region_but_does_not_filter(make_client):
    viewbox_only = make_client(country_codes=())
    # Within the box a match pushes the outside one out of the answer entirely...
    assert [(c.name, c.country) for c in viewbox_only.search("Hajin")] == [("Hajin", "SY")]
    # ...but when nothing inside matches, the decoy is still returned: an unbounded
    # viewbox is a preference, so the country codes are what keep Sousse and Bolton out.
    assert [(c.name, c.country) for c in viewbox_only.search("Susa")] == [("Sousse", "TN")]
    assert [(c.name, c.country) for c in viewbox_only.search("Bolton")] == [("Bolton", "GB")]


# --- al-Hol: the camp is not the town ------------------------------------------------------

@pytest.mark.parametrize("query", ["al-Hol camp", "al-Hawl refugee camp"])
def test_al_hol_camp_is_the_camp_not_the_town(campaign, query):
    found = campaign.search(query)
    assert len(found) == 1, summary(found)
    assert_is(found[0], HOL_CAMP)
    assert found[0].ref == "node/1013"


def test_al_hol_alone_is_the_town(campaign):
    found = campaign.search("al-Hol")
    assert len(found) == 1, summary(found)
    assert_is(found[0], HAWL_TOWN)
    assert found[0].kind == "town"


def test_al_hol_camp_kind_is_camp(campaign):
    assert campaign.search("al-Hol camp")[0].kind == "camp"


# --- Abu Kamal under its spellings --------------------------------------------------------

@pytest.mark.parametrize("query", ["Abu Kamal", "Albukamal", "Al-Bukamal", "البوكمال"])
def test_abu_kamal_spellings_give_the_city(campaign, query):
    found = campaign.search(query)
    assert len(found) == 1, summary(found)
    assert_is(found[0], ABU_KAMAL)
    assert found[0].kind == "city" and found[0].country == "SY"


# --- Bolton (the adviser's surname) ------------------------------------------------------

def test_bolton_with_campaign_bias_is_nothing(campaign, unbiased):
    assert campaign.search("Bolton") == []
    # Control: the English town is in the database and found without the bias.
    assert [(c.name, c.country) for c in unbiased.search("Bolton")] == [("Bolton", "GB")]


# --- the rest of the campaign extract -----------------------------------------------------

@pytest.mark.parametrize("query, expected, country", [
    ("Baghouz", ("al-Baghuz Fawqani", 34.4586, 40.9506), "SY"),
    ("al-Shaafah", ("al-Shaafah", 34.5678, 40.9342), "SY"),
    ("Marashida", ("al-Marashidah", 34.5036, 40.9297), "SY"),
    ("Qaim", ("al-Qa'im", 34.3669, 41.1389), "IQ"),
    ("Al Mayadeen", ("Mayadin", 35.0183, 40.4533), "SY"),
    ("Deir al-Zor", ("Deir ez-Zor", 35.3333, 40.1500), "SY"),
    ("Raqqa", ("Raqqa", 35.9500, 39.0167), "SY"),
    ("Hasakah", ("al-Hasakah", 36.5117, 40.7422), "SY"),
])
def test_campaign_places_resolve_to_their_points(campaign, query, expected, country):
    found = campaign.search(query)
    assert len(found) == 1, summary(found)
    assert_is(found[0], expected)
    assert found[0].country == country
