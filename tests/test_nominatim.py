"""The Nominatim client against a fake server on 127.0.0.1: what it sends, maps and how fast."""
from __future__ import annotations

import threading

import pytest

from geo.config import Settings
from geo.geocode.nominatim import NominatimClient, candidate_from_raw, place_kind
from geo.models import KINDS
from tests.fake_nominatim import FakeNominatim

AGENT = "baghouz-timeline-tests/1.0 (tests@example.invalid)"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    NominatimClient.reset_rate_limit()  # a previous test's last request must not delay this one
    yield


@pytest.fixture
def server():
    with FakeNominatim() as fake:
        yield fake


def settings_for(server: FakeNominatim, **changes) -> Settings:
    base = Settings(nominatim_enabled=True, nominatim_domain=server.domain,
                    nominatim_scheme="http", user_agent=AGENT, timeout=2.0, min_delay=0.0)
    return base.with_(**changes)


def test_sends_user_agent_and_bias_parameters(server):
    client = NominatimClient(settings_for(server))
    client.search("Hajin")
    [request] = server.searches()
    assert request.headers["User-Agent"] == AGENT
    assert request.params["q"] == "Hajin"
    assert request.params["countrycodes"] == "sy,iq"
    assert request.params["viewbox"] == "38.0,33.0,42.5,37.5"  # west,south,east,north
    assert "bounded" not in request.params  # a bias, not a filter
    assert request.params["accept-language"] == "en"
    assert request.params["limit"] == "5"
    assert request.params["addressdetails"] == "1" and request.params["namedetails"] == "1"
    assert client.requests_made == 1


def test_params_name_everything_that_changes_the_answer(server):
    params = NominatimClient(settings_for(server)).params()
    assert params["server"] == f"http://{server.domain}"
    assert params["countrycodes"] == "sy,iq" and params["language"] == "en"
    other = NominatimClient(settings_for(server, country_codes=("tn",), viewbox=None)).params()
    assert other != params and other["viewbox"] is None
    assert "user_agent" not in params and AGENT not in str(params)


def test_answer_maps_to_candidates(server):
    [hajin] = NominatimClient(settings_for(server)).search("Hajin")
    assert (hajin.name, hajin.lat, hajin.lon) == ("Hajin", 34.6894, 40.8308)
    assert (hajin.kind, hajin.country, hajin.source) == ("town", "SY", "nominatim")
    assert hajin.ref == "node/900000002" and hajin.score == pytest.approx(0.4)


def test_country_codes_keep_out_the_tunisian_sousse(server):
    biased = NominatimClient(settings_for(server)).search("Sousa")
    assert [(c.name, c.country) for c in biased] == [("al-Susah", "SY")]
    unbiased = NominatimClient(settings_for(server, country_codes=())).search("Sousa")
    assert [(c.name, c.country) for c in unbiased] == [("Sousse", "TN"), ("al-Susah", "SY")]
    assert "countrycodes" not in server.searches()[-1].params


def test_not_found_is_an_empty_list(fake_nominatim):  # the fixture in tests/conftest.py
    client = NominatimClient(settings_for(fake_nominatim))
    assert client.search("Atlantis") == []
    candidates, raw = client.search_with_raw("Atlantis")
    assert candidates == [] and raw == "[]"


def test_raw_answer_is_kept_for_the_cache(server):
    candidates, raw = NominatimClient(settings_for(server)).search_with_raw("Baghouz")
    assert candidates[0].name == "Baghuz Fawqani"
    assert '"osm_id": 900000001' in raw and '"importance": 0.35' in raw


@pytest.mark.parametrize("raw, kind", [
    ({"class": "place", "type": "village", "addresstype": "village", "place_rank": 19}, "village"),
    ({"category": "place", "type": "hamlet", "place_rank": 20}, "village"),  # jsonv2 shape
    ({"class": "boundary", "type": "administrative", "addresstype": "country",
      "place_rank": 4}, "country"),
    ({"class": "boundary", "type": "administrative", "addresstype": "state",
      "place_rank": 8}, "region"),
    ({"class": "boundary", "type": "administrative", "addresstype": "province"}, "region"),
    ({"class": "place", "type": "city", "addresstype": "city", "place_rank": 16}, "city"),
    ({"class": "place", "type": "suburb", "addresstype": "suburb", "place_rank": 19}, "village"),
    ({"class": "amenity", "type": "refugee_camp", "addresstype": "amenity",
      "place_rank": 30}, "camp"),
    ({"class": "tourism", "type": "camp_site", "place_rank": 30}, "camp"),
    ({"class": "military", "type": "base", "place_rank": 30}, "camp"),
    ({"class": "landuse", "type": "military", "place_rank": 30}, "camp"),
    ({"class": "waterway", "type": "river", "addresstype": "river", "place_rank": 19},
     "natural feature"),
    ({"class": "natural", "type": "peak", "place_rank": 18}, "natural feature"),
    ({"class": "boundary", "type": "administrative", "place_rank": 14}, "city"),
    ({"class": "man_made", "type": "works", "addresstype": "man_made", "place_rank": 30},
     "site"),
    ({"class": "highway", "type": "road"}, "site"),
])
def test_kind_from_addresstype_type_and_rank(raw, kind):
    assert place_kind(raw) == kind and kind in KINDS


def test_name_prefers_english_namedetails_then_display_name():
    base = {"lat": "36.376", "lon": "41.149", "osm_type": "way", "osm_id": 7,
            "display_name": "مخيم الهول, Al-Hasakah, Syria",
            "address": {"country_code": "sy"}}
    named = candidate_from_raw({**base, "namedetails": {"name": "مخيم الهول",
                                                        "name:en": "al-Hol camp"}})
    assert named.name == "al-Hol camp" and named.country == "SY" and named.ref == "way/7"
    assert candidate_from_raw({**base, "namedetails": {"name": "الهول"}}).name == "الهول"
    assert candidate_from_raw(base).name == "مخيم الهول"
    assert candidate_from_raw({**base, "importance": None}).score == 0.0
    with pytest.raises(ValueError, match="way/7 has no usable lat/lon"):
        candidate_from_raw({**base, "lat": ""})


def test_requests_are_at_least_min_delay_apart(server):
    client = NominatimClient(settings_for(server, min_delay=1.0))
    for query in ("Hajin", "al-Susah", "Baghouz"):
        client.search(query)
    times = [r.time for r in server.searches()]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # The client spaces the *sends*; the server stamps arrivals after its thread is
    # scheduled, which on a busy 2-core machine can lag by some ms: hence 50 ms of slack
    # (without the pacing the gaps are a few ms).
    assert len(gaps) == 2 and min(gaps) >= 0.95, gaps


def test_min_delay_uses_the_injected_clock_and_sleep(server):
    now, slept = [100.0], []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    client = NominatimClient(settings_for(server, min_delay=1.0), clock=lambda: now[0],
                             sleep=sleep)
    client.search("Hajin")
    now[0] += 0.25  # some work between two lookups
    client.search("Hajin")
    client.search("Hajin")
    assert slept == [0.75, 1.0] and client.requests_made == 3


def test_two_clients_in_one_process_share_the_rate_limit(server):
    settings = settings_for(server, min_delay=0.5)
    clients = [NominatimClient(settings), NominatimClient(settings)]
    threads = [threading.Thread(target=lambda c=c: [c.search(q) for q in ("Hajin", "Sousa")])
               for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    times = sorted(r.time for r in server.searches())
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) == 4 and min(gaps) >= 0.45, gaps  # slack as above
    assert [c.requests_made for c in clients] == [2, 2]
