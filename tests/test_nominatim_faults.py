"""Every server fault the client must survive, over real HTTP on 127.0.0.1.

Most tests inject a sleep that only records, so backoff is checked exactly and costs no
time; the Retry-After test sleeps for real and reads the gap from the server's clock.
"""
from __future__ import annotations

import time

import pytest
import urllib3.util.connection
from geopy.adapters import RequestsAdapter
from geopy.exc import GeocoderUnavailable
from geopy.geocoders import Nominatim

from geo.config import Settings
from geo.geocode.cache import GeocodeCache
from geo.geocode.nominatim import (
    GeocodingBanned,
    GeocodingError,
    GeocodingUnavailable,
    NominatimClient,
    lookup,
)
from tests.fake_nominatim import FakeNominatim, closed_port

AGENT = "baghouz-timeline-tests/1.0 (tests@example.invalid)"
TRANSIENT = ["slow", "500", "502", "503", "malformed", "html", "empty", "reset", "object"]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    NominatimClient.reset_rate_limit()
    yield


@pytest.fixture
def server():
    with FakeNominatim() as fake:
        yield fake


def make_client(domain: str, **changes) -> tuple[NominatimClient, list[float]]:
    """A client whose sleeps are recorded, not slept (min_delay 0: only backoff sleeps)."""
    settings = Settings(nominatim_enabled=True, nominatim_domain=domain, nominatim_scheme="http",
                        user_agent=AGENT, timeout=0.3, min_delay=0.0, max_retries=2)
    slept: list[float] = []
    return NominatimClient(settings.with_(**changes), sleep=slept.append), slept


@pytest.mark.parametrize("fault", TRANSIENT)
def test_transient_fault_is_retried_with_backoff_then_unavailable(server, fault):
    server.fail(fault, times=None, delay=1.0)
    client, slept = make_client(server.domain)
    with pytest.raises(GeocodingUnavailable, match="after 3 attempts"):
        client.search("Hajin")
    assert len(server.searches("Hajin")) == 3  # one HTTP request per attempt, none hidden
    assert client.requests_made == 3
    assert slept == [1.0, 2.0]


@pytest.mark.parametrize("fault", TRANSIENT)
def test_fault_that_clears_is_followed_by_an_answer(server, fault):
    server.fail(fault, times=2, delay=1.0)
    client, slept = make_client(server.domain)
    [hajin] = client.search("Hajin")
    assert hajin.name == "Hajin"
    assert [r.fault for r in server.searches()] == [fault, fault, None]
    assert slept == [1.0, 2.0]


def test_faults_can_target_one_query(server):
    server.fail("503", query="hajin", times=None)
    client, _ = make_client(server.domain, max_retries=0)
    assert client.search("Sousa")[0].name == "al-Susah"
    with pytest.raises(GeocodingUnavailable, match="HTTP 503"):
        client.search("Hajin")


def test_retry_after_is_honoured_on_the_servers_clock(server):
    server.fail("429", retry_after=2, times=1)
    settings = Settings(nominatim_domain=server.domain, nominatim_scheme="http",
                        user_agent=AGENT, timeout=2.0, min_delay=0.0, max_retries=2)
    client = NominatimClient(settings)  # real sleep
    assert client.search("Hajin")[0].name == "Hajin"
    first, second = (r.time for r in server.searches())
    # The plain backoff would have waited 1 s; 50 ms slack for server-side scheduling.
    assert second - first >= 1.95


def test_retry_after_is_capped_and_never_below_the_backoff(server):
    server.fail("429", retry_after=5, times=2)
    client, slept = make_client(server.domain, max_retry_after=1.5)
    assert client.search("Hajin")
    assert slept == [1.5, 2.0]  # min(5, cap) then the backoff, which is longer
    assert len(server.searches()) == 3


def test_429_without_retry_after_uses_the_backoff(server):
    server.fail("429", times=None)
    client, slept = make_client(server.domain, max_retries=1)
    with pytest.raises(GeocodingUnavailable, match="429"):
        client.search("Hajin")
    assert slept == [1.0] and len(server.searches()) == 2


def test_403_bans_the_client_and_stops_all_requests(server, caplog):
    server.fail("403", times=1)
    client, slept = make_client(server.domain)
    with pytest.raises(GeocodingBanned, match="403"):
        client.search("Hajin")
    assert client.banned and slept == [] and len(server.searches()) == 1
    assert any(r.levelname == "WARNING" and "banned" in r.getMessage() for r in caplog.records)
    # The fault is used up, but a banned client must not even try.
    for query in ("Hajin", "Sousa"):
        with pytest.raises(GeocodingBanned):
            client.search(query)
    assert len(server.searches()) == 1 and client.requests_made == 1


def test_400_is_an_error_not_retried(server):
    server.fail("400", times=None)
    client, slept = make_client(server.domain)
    with pytest.raises(GeocodingError, match="HTTP 400") as caught:
        client.search("Hajin")
    assert not isinstance(caught.value, (GeocodingUnavailable, GeocodingBanned))
    assert slept == [] and len(server.searches()) == 1


def count_connects(monkeypatch) -> list[tuple]:
    """Record every TCP connect urllib3 makes (where its hidden retries would show)."""
    calls: list[tuple] = []
    real = urllib3.util.connection.create_connection

    def counting(address, *args, **kwargs):
        calls.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    return calls


def test_connection_refused_makes_one_connect_per_attempt(monkeypatch):
    connects = count_connects(monkeypatch)
    client, slept = make_client(f"127.0.0.1:{closed_port()}")
    with pytest.raises(GeocodingUnavailable, match="ConnectionRefusedError"):
        client.search("Hajin")
    assert len(connects) == 3 and client.requests_made == 3 and slept == [1.0, 2.0]


def test_geopys_default_adapter_would_retry_behind_our_back(monkeypatch):
    # The trap the explicit adapter avoids; also shows count_connects can see retries.
    connects = count_connects(monkeypatch)
    geocoder = Nominatim(user_agent=AGENT, domain=f"127.0.0.1:{closed_port()}", scheme="http",
                         timeout=0.3, adapter_factory=RequestsAdapter)
    with pytest.raises(GeocoderUnavailable):
        geocoder.geocode("Hajin")
    assert len(connects) == 3


def test_errors_are_not_cached_and_answers_are(server, tmp_path):
    cache = GeocodeCache(tmp_path / "geocache.sqlite")
    client, _ = make_client(server.domain, max_retries=1)
    server.fail("503", times=None)
    with pytest.raises(GeocodingUnavailable):
        lookup(client, cache, "Hajin")
    assert len(cache) == 0
    server.clear_faults()
    assert lookup(client, cache, "Hajin")[0].name == "Hajin"
    assert lookup(client, cache, "Atlantis") == []
    asked = len(server.searches())
    assert lookup(client, cache, " HAJIN ")[0].name == "Hajin"  # from the cache
    assert lookup(client, cache, "atlantis") == []
    assert len(server.searches()) == asked
    statuses = {e.query: e.status for e in cache.entries()}
    assert statuses == {"Hajin": "found", "Atlantis": "not_found"}
    assert '"osm_id": 900000002' in cache.get("Hajin", client.params()).raw


def test_banned_client_still_answers_from_the_cache(server, tmp_path):
    cache = GeocodeCache(tmp_path / "geocache.sqlite")
    client, _ = make_client(server.domain)
    lookup(client, cache, "Hajin")
    server.fail("403", times=None)
    with pytest.raises(GeocodingBanned):
        lookup(client, cache, "Sousa")
    assert lookup(client, cache, "Hajin")[0].name == "Hajin"
    with pytest.raises(GeocodingBanned):
        lookup(client, cache, "Baghouz")
    assert len(server.searches()) == 2 and len(cache) == 1


def test_timeout_is_the_settings_timeout(server):
    server.fail("slow", times=1, delay=1.0)
    client, _ = make_client(server.domain, timeout=0.2, max_retries=0)
    started = time.monotonic()
    with pytest.raises(GeocodingUnavailable, match="timed out after 0.2 s"):
        client.search("Hajin")
    assert time.monotonic() - started >= 0.2  # it did wait for the server, then gave up
