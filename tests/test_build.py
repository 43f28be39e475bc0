"""The whole build: bundled data offline, and the geocoding chain over real HTTP on 127.0.0.1."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from geo.config import ROOT, Settings
from geo.geocode.nominatim import NominatimClient
from geo.geometry import haversine_km
from geo.table.pipeline import build_events
from geo.table.store import events_csv, read_events
from tests.datadir import copy_data
from tests.fake_nominatim import PLACES, FakeNominatim, _place

AGENT = "baghouz-timeline-tests/1.0 (tests@example.invalid)"
EXTRA = [
    _place(900000011, "Tayana", ["الطيانة"], 34.7531, 40.7963, "place", "village", "village", 19,
           0.2, "Syria", "sy", "Deir ez-Zor Governorate"),
    _place(900000012, "Kishmah", ["الكشمة"], 34.6100, 40.9100, "place", "village", "village", 19,
           0.2, "Syria", "sy", "Deir ez-Zor Governorate"),
]
UNKNOWN_ARTICLE = """---
title: Villages east of Hajin
date: 2019-01-10
source: Test Wire
url: https://example.org/villages
---
Residents fled from the village of Tayana and the village of Kishmah on Wednesday.

Others reached the village of Zzyzxqa, which no map knows.
"""


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    NominatimClient.reset_rate_limit()
    yield


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    data = copy_data(tmp_path_factory.mktemp("bundled"))
    df, summary = build_events(Settings().with_(data_dir=data), online=False)
    return df, summary


def test_bundled_build_offline(bundled):
    df, summary = bundled
    assert summary.articles >= 51 and not summary.rejected
    assert summary.requests == 0
    baghouz = df[df["surface"] == "Baghouz"].iloc[0]
    assert haversine_km(baghouz.lat, baghouz.lon, 34.4586, 40.9506) <= 5
    for name in ("Bolton", "Bali", "Trump", "CNN"):
        assert not df["surface"].str.contains(name).any(), name
        assert not df["place"].str.contains(name).any(), name


@pytest.mark.parametrize("place, lat, lon", [
    ("Hajin", 34.689, 40.831), ("Al-Susah", 34.529, 40.968), ("Al-Hol camp", 36.376, 41.149),
])
def test_spot_checks(bundled, place, lat, lon):
    df, _ = bundled
    rows = df[df["place"] == place]
    assert len(rows) and all(haversine_km(r.lat, r.lon, lat, lon) <= 5 for r in rows.itertuples())
    assert not (rows["lon"] < 10.7).any()  # never Sousse in Tunisia


def test_hajin_falls_on_14_december(bundled):
    df, _ = bundled
    rows = df[(df["place"] == "Hajin") & (df["event_date"] == pd.Timestamp(2018, 12, 14))]
    assert len(rows) >= 1


def test_nothing_pinned_at_the_euphrates_mouth(bundled):
    df, _ = bundled
    near_mouth = df[df["lat"].notna()].apply(lambda r: haversine_km(r.lat, r.lon, 31.005, 47.4419) < 50, axis=1)
    assert not near_mouth.any()
    assert df.loc[df["place"] == "Euphrates", "lat"].isna().all()


def test_every_kind_is_a_known_kind(bundled):
    from geo.models import KINDS
    df, _ = bundled
    assert set(df["kind"]) <= set(KINDS)  # unknown names from "X crossing"/"X hill" are sites


def test_campaign_spans_the_slider(bundled):
    df, _ = bundled
    days = df["event_date"].dropna()
    assert days.min() <= pd.Timestamp(2018, 9, 10) and days.max() >= pd.Timestamp(2019, 3, 23)
    assert days.dt.to_period("M").nunique() >= 7


def test_committed_events_match_a_fresh_build(bundled):
    df, _ = bundled
    assert events_csv(df) == (ROOT / "data" / "events.csv").read_text(encoding="utf-8"), \
        "data/events.csv is stale: run `python -m geo build` and commit it"


# ---------------------------------------------------------------- over HTTP

@pytest.fixture
def server():
    with FakeNominatim(PLACES + EXTRA) as fake:
        yield fake


def online_settings(tmp_path: Path, server: FakeNominatim, **kw) -> Settings:
    data = copy_data(tmp_path, articles=False)
    (data / "articles" / "villages.md").write_text(UNKNOWN_ARTICLE, encoding="utf-8")
    return Settings(data_dir=data, nominatim_enabled=True, nominatim_domain=server.domain,
                    nominatim_scheme="http", user_agent=AGENT, timeout=3.0, **kw)


def test_chain_asks_nominatim_once_and_caches(tmp_path, server):
    settings = online_settings(tmp_path, server, min_delay=1.0)
    df, summary = build_events(settings)
    asked = server.searches()
    assert sorted(r.params["q"] for r in asked) == ["Kishmah", "Tayana", "Zzyzxqa"]
    for r in asked:
        assert r.headers["User-Agent"] == AGENT
        assert r.params["countrycodes"] == "sy,iq" and r.params["accept-language"] == "en"
        assert r.params["viewbox"]
    times = sorted(r.time for r in asked)
    # The server stamps a request when its handler thread runs; on a loaded 2-core machine that
    # lags by tens of ms, hence the same 50 ms allowance as tests/test_nominatim.py.
    assert all(b - a >= 0.95 for a, b in zip(times, times[1:], strict=False)), times
    got = df.set_index("surface")
    assert got.loc["Tayana", "place_source"] == "nominatim"
    assert haversine_km(got.loc["Tayana", "lat"], got.loc["Tayana", "lon"], 34.7531, 40.7963) < 0.1
    assert got.loc["Zzyzxqa", "place_source"] == "unresolved"
    assert summary.requests == 3 and summary.unresolved["Zzyzxqa"] == 1
    # The second build asks nothing: found and not-found answers are both stored.
    df2, summary2 = build_events(settings)
    assert len(server.searches()) == 3 and summary2.requests == 0 and summary2.cache_hits == 3
    assert (settings.data_dir / "geocache.jsonl").read_text(encoding="utf-8").count("\n") == 3


def test_errors_are_not_cached_and_a_later_build_retries(tmp_path, server):
    settings = online_settings(tmp_path, server, min_delay=0.0, max_retries=0)
    server.fail("503", query="Kishmah", times=None)
    df, summary = build_events(settings)
    assert summary.errors == 1
    assert df.set_index("surface").loc["Kishmah", "place_source"] == "unresolved"
    server.clear_faults()
    df2, summary2 = build_events(settings)
    assert [r.params["q"] for r in server.searches("Kishmah")] == ["Kishmah", "Kishmah"]
    assert df2.set_index("surface").loc["Kishmah", "place_source"] == "nominatim"
    assert summary2.requests == 1


def test_a_ban_stops_the_network_and_the_build_finishes(tmp_path, server):
    settings = online_settings(tmp_path, server, min_delay=0.0)
    server.fail("403", times=None)
    df, summary = build_events(settings)
    assert len(server.searches()) == 1  # one refusal, then no more requests
    assert "403" in summary.network_note
    assert len(df) >= 3


STREET = _place(900000013, "Tishreen Street", ["شارع تشرين"], 34.6900, 40.8300, "highway", "residential",
                "road", 26, 0.1, "Syria", "sy", "Deir ez-Zor Governorate")


def test_a_name_only_the_model_finds_goes_to_nominatim_and_fast_never_asks(tmp_path):
    with FakeNominatim(PLACES + [STREET]) as server:
        settings = online_settings(tmp_path, server, min_delay=0.0)
        (settings.data_dir / "articles" / "villages.md").write_text(
            UNKNOWN_ARTICLE.split("---\n", 2)[0] + "---\n" + UNKNOWN_ARTICLE.split("---\n", 2)[1] + "---\n"
            "Crowds gathered on Tishreen Street in Hajin on Friday.\n", encoding="utf-8")
        fast, _ = build_events(settings, fast=True)
        assert "Tishreen Street" not in set(fast["surface"]) and not server.searches()
        df, _ = build_events(settings)
        street = df.set_index("surface").loc["Tishreen Street"]
        assert [r.params["q"] for r in server.searches()] == ["Tishreen Street"]
        # narrowed to the article's context: Hajin's country and a box a degree around it
        asked = server.searches()[0].params
        assert asked["countrycodes"] == "sy"
        assert [round(float(v), 2) for v in asked["viewbox"].split(",")] == [39.83, 33.69, 41.83, 35.69]
        assert street["place_source"] == "nominatim" and street["role"] == "literal"
        assert haversine_km(street["lat"], street["lon"], 34.69, 40.83) < 0.1


def _run_build(settings: Settings) -> subprocess.Popen:
    env = dict(os.environ, GEO_DATA_DIR=str(settings.data_dir), GEO_NOMINATIM="on",
               GEO_NOMINATIM_DOMAIN=settings.nominatim_domain, GEO_NOMINATIM_SCHEME="http",
               GEO_USER_AGENT=AGENT, GEO_MIN_DELAY="0", GEO_TIMEOUT="5")
    return subprocess.Popen([sys.executable, "-m", "geo", "build", "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_build_keeps_finished_lookups(tmp_path, server):
    settings = online_settings(tmp_path, server)
    server.fail("slow", times=None, delay=0.6)
    proc = _run_build(settings)
    deadline = time.monotonic() + 60
    while len(server.searches()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the first answer is in and stored; the second is in flight
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    first_round = [r.params["q"] for r in server.searches()]
    assert len(first_round) >= 2
    server.clear_faults()
    proc = _run_build(settings)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    again = [r.params["q"] for r in server.searches()][len(first_round):]
    assert first_round[0] not in again  # the finished lookup was not repeated
    assert sorted(set(first_round) | set(again)) == ["Kishmah", "Tayana", "Zzyzxqa"]
    assert len(read_events(settings.events_path)) >= 3


def test_two_builds_and_a_reader_at_once(tmp_path, server):
    settings = online_settings(tmp_path, server)
    server.fail("slow", times=None, delay=0.2)
    stop, seen, failures = threading.Event(), [], []

    def reader():
        while not stop.is_set():
            if settings.events_path.exists():
                try:
                    seen.append(len(read_events(settings.events_path)))
                except Exception as exc:  # a half-written file would land here
                    failures.append(repr(exc))
            time.sleep(0.01)

    t = threading.Thread(target=reader)
    t.start()
    procs = [_run_build(settings) for _ in range(2)]
    results = [p.communicate(timeout=180) for p in procs]
    stop.set()
    t.join()
    assert [p.returncode for p in procs] == [0, 0], results
    assert failures == []
    final = read_events(settings.events_path)
    assert set(final["surface"]) >= {"Tayana", "Kishmah", "Zzyzxqa"}
    from geo.geocode.cache import GeocodeCache
    with GeocodeCache(settings.cache_path) as cache:
        assert len(cache) == 3  # every lookup kept, none twice


def test_package_entry_points():
    """geo exposes build_events, read_events and Settings, and nothing by accident."""
    import geo
    from geo.config import Settings
    from geo.table.pipeline import build_events

    assert geo.Settings is Settings and geo.build_events is build_events
    assert geo.read_events is read_events
    with pytest.raises(AttributeError):
        geo.no_such_entry_point  # noqa: B018
