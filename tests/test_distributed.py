"""The Dask build gives exactly the events of the single-process build, survives a lost
worker, and asks the geocoder once per distinct name for the whole corpus.

One LocalCluster of 2 worker processes serves the whole module (starting one costs seconds).
"""

from __future__ import annotations

import json
import os
import shutil
import signal

import pandas as pd
import pytest

pytest.importorskip("distributed")
from distributed import Client, LocalCluster  # noqa: E402

from geo.config import ROOT, Settings  # noqa: E402
from geo.geocode.nominatim import NominatimClient  # noqa: E402
from geo.models import EVENT_COLUMNS  # noqa: E402
from geo.table import (
    columnar,
    distributed,  # noqa: E402
    partitions,
)
from geo.table.pipeline import build_events  # noqa: E402
from geo.table.store import events_csv  # noqa: E402
from tests.benchmarks.synth import articles as synth_articles  # noqa: E402
from tests.datadir import copy_data  # noqa: E402
from tests.fake_nominatim import PLACES, FakeNominatim  # noqa: E402
from tests.test_build import AGENT, EXTRA  # noqa: E402

N_SYNTH = 2000


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    """2,000 seeded ~250-word articles and their single-process events, gazetteer only (--fast):
    these tests are about the engine; the bundled-corpus test covers the model's path."""
    data = tmp_path_factory.mktemp("synth")
    synth_articles(N_SYNTH, 250, data)
    for name in ("gazetteer.csv", "natural_features.csv"):  # same sources: the index is reused
        shutil.copy(ROOT / "data" / name, data / name)
    settings = Settings().with_(data_dir=data, nominatim_enabled=False)
    df, summary = build_events(settings, online=False, fast=True)
    assert summary.articles == N_SYNTH and not summary.rejected
    return settings, df


def test_bundled_corpus_gives_the_committed_events(client, tmp_path):
    settings = Settings().with_(data_dir=copy_data(tmp_path))
    df, summary = distributed.build_events(settings, client=client, online=False)
    assert events_csv(df) == (ROOT / "data" / "events.csv").read_text(encoding="utf-8")
    one, one_summary = build_events(settings, online=False)
    pd.testing.assert_frame_equal(df, one)
    assert summary.lines() == one_summary.lines()


def test_synthetic_corpus_gives_exactly_the_single_process_events(client, synth):
    settings, expected = synth
    df, summary = distributed.build_events(settings, client=client, online=False, fast=True)
    assert summary.articles == N_SYNTH and summary.mentions == len(expected) > N_SYNTH * 3
    pd.testing.assert_frame_equal(df, expected)


def _as_records(settings: Settings) -> list[dict]:
    """The synthetic articles as table rows with the ids the folder build gives them."""
    from geo.ingest.articles import load_articles

    articles, _ = load_articles(settings.articles_dir)
    return [
        {
            "id": a.id,
            "title": a.title,
            "date": a.published.isoformat(),
            "text": a.text,
            "source": a.source,
            "url": a.url,
        }
        for a in articles
    ]


def test_jsonl_and_parquet_files_give_the_same_events(client, synth, tmp_path):
    settings, expected = synth
    records = _as_records(settings)
    half = len(records) // 2
    with open(tmp_path / "a.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in records[:half])
    pd.DataFrame(records[half:]).to_parquet(tmp_path / "b.parquet", index=False)
    (tmp_path / "c.jsonl").write_text(
        json.dumps(records[0]) + "\n", encoding="utf-8"
    )  # a duplicate id
    df, summary = distributed.build_events(
        settings, client=client, online=False, fast=True, input_path=str(tmp_path / "*")
    )
    pd.testing.assert_frame_equal(df, expected)
    assert [p.path for p in summary.rejected] == [str(tmp_path / "c.jsonl")]
    assert "duplicate id" in summary.rejected[0].reason


def test_parquet_dataset_holds_the_same_rows_and_daily_counts(client, synth, tmp_path):
    settings, expected = synth
    root = str(tmp_path / "store")
    df, summary = distributed.build_events(
        settings, client=client, online=False, fast=True, parquet=root
    )
    assert df is None and summary.mentions == len(expected)
    months = sorted(p.name for p in (tmp_path / "store" / "events").iterdir())
    assert months == sorted({f"month={d:%Y-%m}" for d in expected["published"]})
    stored = columnar.read_events(root)[list(EVENT_COLUMNS)].astype(EVENT_COLUMNS)
    stored = stored.sort_values(["published", "article_id", "start"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, expected)
    daily = pd.read_parquet(tmp_path / "store" / columnar.DAILY_FILE)
    published = daily[daily["clock"] == "published"]
    assert published["mentions"].sum() == len(expected)
    assert daily.loc[daily["clock"] == "event", "mentions"].sum() == expected["event_date"].count()
    assert (daily[columnar.TYPE_COLUMNS].sum(axis=1) == daily["mentions"]).all()
    hajin = expected[expected["place"] == "Hajin"]
    literal = hajin["role"].ne("associative").rename("literal")
    assert (
        published.loc[published["place"] == "Hajin", "articles"].sum()
        == hajin.groupby(["published", literal])["article_id"].nunique().sum()
    )
    monthly = pd.read_parquet(tmp_path / "store" / columnar.MONTHLY_FILE)
    assert (
        monthly.groupby("clock")["mentions"].sum().to_dict()
        == daily.groupby("clock")["mentions"].sum().to_dict()
    )


def test_a_worker_killed_mid_build_costs_only_its_tasks(client, synth):
    settings, expected = synth
    pids = client.run(os.getpid)
    killed = []

    def kill_after_first(completed):
        for n, future in enumerate(completed):
            yield future
            if n == 0:  # analysis results now sit in both workers' memory
                victim = sorted(pids.values())[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

    df, _ = distributed.build_events(
        settings, client=client, online=False, fast=True, progress=kill_after_first
    )
    assert killed
    pd.testing.assert_frame_equal(df, expected)
    client.wait_for_workers(2, timeout=120)  # the nanny restarts it for the next test
    assert killed[0] not in client.run(os.getpid).values()


VILLAGES = """---
title: Villages report {n}
date: 2019-01-{day:02d}
source: Test Wire
---
Residents fled from the village of Tayana and the village of Kishmah on Wednesday.

Others reached the village of Zzyzxqa near Hajin, which no map knows.
"""


def test_each_unknown_name_is_asked_once_for_the_whole_corpus(client, tmp_path, monkeypatch):
    monkeypatch.setattr(partitions, "PARTITION_ARTICLES", 4)  # 24 articles: 6 partitions
    extra = {f"v{n:02d}.md": VILLAGES.format(n=n, day=1 + n % 28) for n in range(24)}
    with FakeNominatim(PLACES + EXTRA) as server:

        def settings_in(folder):
            data = copy_data(tmp_path / folder, articles=False, extra=extra)
            return Settings(
                data_dir=data,
                nominatim_enabled=True,
                nominatim_domain=server.domain,
                nominatim_scheme="http",
                user_agent=AGENT,
                timeout=3.0,
                min_delay=0.0,
            )

        NominatimClient.reset_rate_limit()
        df, summary = distributed.build_events(settings_in("dask"), client=client)
        asked = sorted(r.params["q"] for r in server.searches())
        assert asked == ["Kishmah", "Tayana", "Zzyzxqa"]
        assert summary.requests == 3 and summary.unresolved["Zzyzxqa"] == 24
        NominatimClient.reset_rate_limit()
        one, _ = build_events(settings_in("single"))
    assert (df["place_source"] == "nominatim").sum() == 48
    pd.testing.assert_frame_equal(df, one)


def test_command_line_checks_the_bundled_events_on_a_given_scheduler(
    client, tmp_path, monkeypatch, capsys
):
    from geo.__main__ import main

    data = copy_data(tmp_path, build=False)
    shutil.copy(ROOT / "data" / "events.csv", data / "events.csv")
    monkeypatch.setenv("GEO_DATA_DIR", str(data))
    address = client.scheduler.address
    assert (
        main(
            ["build", "--engine", "dask", "--scheduler", address, "--check", "--offline", "--quiet"]
        )
        == 0
    )
    assert "matches the articles and code" in capsys.readouterr().out
    assert (
        main(["build", "--input", str(data / "articles"), "--offline"]) == 2
    )  # needs --engine dask
