"""The scorer on small hand-made cases whose numbers were worked out by hand."""
import json

import pytest

from geo.geometry import haversine_km
from geo.geoparse.evaluate import evaluate, match_overlap, read_jsonl

# "Floods hit Rio de Janeiro and Paris, Texas." (offsets by hand)
TEXT = "Floods hit Rio de Janeiro and Paris, Texas."
RIO = {"start": 11, "end": 25, "name": "Rio de Janeiro", "lat": -22.90642, "lon": -43.18223}
PARIS = {"start": 30, "end": 35, "name": "Paris", "lat": 33.66094, "lon": -95.55551}
TEXAS = {"start": 37, "end": 42, "name": "Texas", "lat": 31.25044, "lon": -99.25061}
GOLD = [{"id": "d1", "text": TEXT, "places": [RIO, PARIS, TEXAS]}]


def test_offsets_of_the_fixture_are_right():
    for place in GOLD[0]["places"]:
        assert TEXT[place["start"]:place["end"]] == place["name"]


def test_haversine_known_distances():
    # One degree of latitude is about 111.2 km on the mean-radius sphere.
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.01)
    assert haversine_km(10, 20, 10, 20) == 0
    # Paris, France to Paris, Texas is roughly 7,800 km.
    assert 7700 < haversine_km(48.85341, 2.3488, 33.66094, -95.55551) < 7900


def test_perfect_prediction():
    s = evaluate(GOLD, [{"id": "d1", "places": [dict(p, score=1.0) for p in GOLD[0]["places"]]}])
    assert (s.gold, s.predicted, s.exact_tp, s.overlap_tp) == (3, 3, 3, 3)
    assert s.exact_f1 == 1.0 and s.overlap_f1 == 1.0
    assert s.within_max_km == 1.0 and s.within_5km == 1.0
    assert s.median_error_km == 0.0 and s.unresolved == 0
    assert s.errors == ()


def test_empty_prediction_and_missing_document():
    for preds in ([{"id": "d1", "places": []}], []):
        s = evaluate(GOLD, preds)
        assert (s.predicted, s.exact_tp, s.overlap_tp) == (0, 0, 0)
        assert s.overlap_precision == 0.0 and s.overlap_recall == 0.0 and s.overlap_f1 == 0.0
        assert s.median_error_km is None
        assert [e.id for e in s.errors] == ["d1"]
        assert [p["name"] for p in s.errors[0].false_negatives] == ["Rio de Janeiro", "Paris", "Texas"]


def test_partial_overlap_counts_for_overlap_but_not_exact():
    # "Rio de" (11-17) overlaps Rio de Janeiro; "Paris, Texas" (30-42) overlaps
    # both Paris and Texas but may be paired with only one of them.
    pred = [dict(RIO, end=17, name="Rio de"), dict(PARIS, end=42, name="Paris, Texas")]
    s = evaluate(GOLD, [{"id": "d1", "places": pred}])
    assert s.exact_tp == 0
    assert s.overlap_tp == 2
    assert s.overlap_precision == 1.0
    assert s.overlap_recall == pytest.approx(2 / 3)
    assert s.overlap_f1 == pytest.approx(0.8)  # 2 * 1 * 2/3 / (1 + 2/3)
    # The long span shares 5 chars with Paris and 5 with Texas: the tie goes to the earlier gold.
    assert [p["name"] for p in s.errors[0].false_negatives] == ["Texas"]


def test_greedy_prefers_the_larger_overlap():
    gold = [{"start": 0, "end": 4}, {"start": 6, "end": 20}]
    pred = [{"start": 2, "end": 12}]  # 2 chars with the first, 6 with the second
    assert match_overlap(gold, pred) == [(1, 0)]


def test_duplicate_predictions_count_once():
    pred = [dict(RIO), dict(RIO), dict(RIO, start=11, end=14, name="Rio")]
    s = evaluate(GOLD, [{"id": "d1", "places": pred}])
    assert (s.predicted, s.exact_tp, s.overlap_tp) == (3, 1, 1)
    assert s.exact_precision == pytest.approx(1 / 3)
    assert s.overlap_recall == pytest.approx(1 / 3)
    assert len(s.errors[0].false_positives) == 2


def test_distance_thresholds():
    # Paris answered with Paris, France (about 7,800 km off): a span hit but a location miss.
    # Rio answered 0.04 degrees north (~4.4 km): within 5 km. Texas answered 1.4 degrees
    # north (~155.7 km): within 161 km but not within 5 km.
    pred = [dict(RIO, lat=RIO["lat"] + 0.04), dict(PARIS, lat=48.85341, lon=2.3488),
            dict(TEXAS, lat=TEXAS["lat"] + 1.4)]
    s = evaluate(GOLD, [{"id": "d1", "places": pred}])
    assert s.overlap_tp == 3
    assert s.within_max_km == pytest.approx(2 / 3)
    assert s.within_5km == pytest.approx(1 / 3)
    assert s.median_error_km == pytest.approx(155.7, abs=0.2)
    assert [m["name"] for m in s.errors[0].mislocated] == ["Paris"]
    tight = evaluate(GOLD, [{"id": "d1", "places": pred}], max_km=150)
    assert tight.within_max_km == pytest.approx(1 / 3)


def test_unresolved_is_a_location_miss():
    pred = [dict(RIO), dict(PARIS, lat=None, lon=None), dict(TEXAS, lat=None, lon=None)]
    s = evaluate(GOLD, [{"id": "d1", "places": pred}])
    assert s.overlap_tp == 3 and s.unresolved == 2
    assert s.within_max_km == pytest.approx(1 / 3)
    assert s.median_error_km == 0.0  # over the one resolved match only
    assert {m["km"] for m in s.errors[0].mislocated} == {None}


def test_summary_and_dict():
    s = evaluate(GOLD, [{"id": "d1", "places": [RIO]}])
    text = s.summary()
    assert "overlap P 1.000  R 0.333  F1 0.500" in text
    d = s.as_dict()
    assert d["overlap_recall"] == pytest.approx(1 / 3) and "errors" not in d
    assert len(s.as_dict(with_errors=True)["errors"]) == 1
    json.dumps(s.as_dict(with_errors=True))  # must be serialisable for reports


def test_read_jsonl_names_the_bad_line(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(GOLD[0]) + "\n\n{broken\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g\.jsonl:3"):
        read_jsonl(path)
    path.write_text(json.dumps(GOLD[0]) + "\n", encoding="utf-8")
    assert read_jsonl(path)[0]["id"] == "d1"


def test_gold_without_coordinates_counts_for_spans_but_not_distance():
    # Texas given no gold point: the Texas match still counts for F1, but the
    # distance shares are over Rio and Paris only (one right, one 1000+ km off).
    gold = [{"id": "d1", "text": TEXT, "places": [RIO, PARIS, dict(TEXAS, lat=None, lon=None)]}]
    far_paris = dict(PARIS, lat=48.85341, lon=2.3488)
    s = evaluate(gold, [{"id": "d1", "places": [RIO, far_paris, TEXAS]}])
    assert s.overlap_f1 == 1.0 and s.gold_unlocated == 1
    assert s.within_max_km == 0.5 and s.unresolved == 0
