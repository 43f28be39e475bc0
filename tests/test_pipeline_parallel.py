"""The build gives the same events whatever the number of worker processes."""
from __future__ import annotations

import shutil

import pandas as pd

from geo.config import ROOT, Settings
from geo.table import pipeline
from tests.benchmarks.synth import articles as synth_articles

N_ARTICLES = 24  # above the 20 below which the build stays in one process


def _corpus(tmp_path):
    synth_articles(N_ARTICLES, 250, tmp_path)
    for name in ("gazetteer.csv", "natural_features.csv"):  # same sources: the bundled index is reused
        shutil.copy(ROOT / "data" / name, tmp_path / name)
    return Settings().with_(data_dir=tmp_path, nominatim_enabled=False)


def test_two_workers_give_exactly_the_events_of_one(tmp_path, monkeypatch):
    settings = _corpus(tmp_path)
    pools = []

    class CountingPool(pipeline.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", CountingPool)
    one, one_summary = pipeline.build_events(settings, workers=1, online=False)
    assert pools == []
    two, two_summary = pipeline.build_events(settings, workers=2, online=False)
    assert len(pools) == 1, "with 2 workers and 24 articles the build must use a process pool"
    assert one_summary.articles == two_summary.articles == N_ARTICLES
    assert len(one) > N_ARTICLES * 3, "the synthetic articles name several places each"
    pd.testing.assert_frame_equal(one, two)


def test_worker_results_come_back_in_article_order(tmp_path):
    settings = _corpus(tmp_path)
    from geo.ingest.articles import load_articles
    arts, problems = load_articles(settings.articles_dir)
    assert not problems
    serial = list(pipeline.analyse_all(arts, settings, workers=1))
    parallel = list(pipeline.analyse_all(arts, settings, workers=2))
    assert [[(m.start, m.surface) for m in ms] for ms, _, _ in parallel] == \
        [[(m.start, m.surface) for m in ms] for ms, _, _ in serial]
    assert [ctx for _, _, ctx in parallel] == [ctx for _, _, ctx in serial]
