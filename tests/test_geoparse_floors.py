"""Floors on the labelled sets, run in-process through the same steps as `geo extract --offline`.

The floors sit a little under what the geoparser reaches (see docs/geoparser.md),
so a change that makes recognition or resolution worse fails here.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.config import Settings
from geo.geoparse.corrections import Corrections
from geo.geoparse.evaluate import evaluate, read_jsonl
from geo.geoparse.rank import rank
from geo.geoparse.resolve import Resolver

GOLD = Path(__file__).parent / "data" / "geoparse"


@pytest.fixture(scope="module")
def predict(recognise):
    """Both recognisers (conftest); associative mentions ("US-led") are left out as the
    benchmark does: the labelled sets mark literal places only."""
    settings = Settings().with_(nominatim_enabled=False)
    resolver = Resolver(settings, Corrections(), None, None)

    def run(docs):
        out = []
        for d in docs:
            places = []
            for m in rank(recognise(d["text"]), settings.viewbox):
                if m.role != "literal":
                    continue
                p = resolver.resolve(str(d["id"]), m)
                if p is not None:
                    places.append({"start": m.start, "end": m.end, "name": m.surface,
                                   "lat": p.lat, "lon": p.lon, "kind": p.kind})
            out.append({"id": d["id"], "places": places})
        return out
    return run


def _scores(predict, *names):
    gold = []
    for name in names:
        gold += [dict(d, id=f"{name}:{d['id']}") for d in read_jsonl(GOLD / f"{name}.jsonl")]
    return evaluate(gold, predict(gold))


def test_campaign_and_dev_floor(predict):
    s = _scores(predict, "campaign", "world_dev")
    assert s.overlap_f1 >= 0.94, s.summary()
    assert s.overlap_precision >= 0.96, s.summary()


def test_every_located_campaign_place_within_5_km(predict):
    s = _scores(predict, "campaign")
    assert s.overlap_f1 >= 0.95, s.summary()
    assert s.within_5km == 1.0, [e for e in s.errors if e.mislocated]


def test_heldout_floor(predict):
    s = _scores(predict, "world_heldout")
    assert s.overlap_f1 >= 0.70, s.summary()
    assert s.within_max_km >= 0.85, s.summary()
