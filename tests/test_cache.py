"""The geocoding cache: what is stored, how it is keyed, exported and shared between processes."""
from __future__ import annotations

import json
import multiprocessing
import sqlite3

import pytest

from geo.geocode.cache import GeocodeCache, normalise_query
from geo.models import Candidate

PARAMS = {"server": "http://127.0.0.1:1", "countrycodes": "sy,iq", "language": "en",
          "viewbox": [33.0, 38.0, 37.5, 42.5], "limit": 5}
HAJIN = Candidate("Hajin", 34.6894, 40.8308, "town", "SY", source="nominatim",
                  ref="node/900000002", score=0.4)
SUSAH = Candidate("al-Susah", 34.5289, 40.9675, "village", "SY", source="nominatim",
                  ref="node/900000003", score=0.25)


@pytest.fixture
def cache(tmp_path):
    with GeocodeCache(tmp_path / "geocache.sqlite") as c:
        yield c


def test_found_round_trip_keeps_candidates_raw_and_time(cache):
    cache.put("Hajin", PARAMS, "found", [HAJIN, SUSAH], '[{"osm_id": 900000002}]')
    entry = cache.get("Hajin", PARAMS)
    assert entry.status == "found"
    assert entry.candidates == (HAJIN, SUSAH)
    assert entry.raw == '[{"osm_id": 900000002}]'
    assert entry.params == PARAMS
    assert entry.asked_at.endswith("+00:00")
    assert len(cache) == 1


def test_not_found_is_stored_and_distinct_from_a_miss(cache):
    assert cache.get("Nowhere", PARAMS) is None
    cache.put("Nowhere", PARAMS, "not_found", [], "[]")
    entry = cache.get("Nowhere", PARAMS)
    assert entry is not None and entry.status == "not_found" and entry.candidates == ()


@pytest.mark.parametrize("status, candidates", [
    ("error", []), ("unavailable", []), ("found", []), ("not_found", [HAJIN])])
def test_errors_and_inconsistent_entries_are_refused(cache, status, candidates):
    with pytest.raises(ValueError, match="status"):
        cache.put("Hajin", PARAMS, status, candidates, "")
    assert len(cache) == 0


def test_key_is_normalised_query_plus_canonical_params(cache):
    cache.put("  Baghuz\tFawqani ", PARAMS, "not_found", [], "[]")
    reordered = dict(reversed(list(PARAMS.items())))
    reordered["viewbox"] = tuple(PARAMS["viewbox"])  # a tuple is the same key as a list
    assert cache.get("BAGHUZ  fawqani", reordered) is not None
    assert cache.get("Baghuz Fawqani", {**PARAMS, "countrycodes": "tn"}) is None
    assert normalise_query("Cafe\u0301  ÀB") == normalise_query("café àb")


def test_survives_reopen(tmp_path):
    path = tmp_path / "sub" / "geocache.sqlite"
    with GeocodeCache(path) as first:
        first.put("Hajin", PARAMS, "found", [HAJIN], "[]")
    with GeocodeCache(path) as second:
        assert second.get("hajin", PARAMS).candidates == (HAJIN,)
        assert second._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_export_import_is_stable_text(tmp_path, cache):
    cache.put("Hajin", PARAMS, "found", [HAJIN], '[{"b": 1, "a": "é"}]')
    cache.put("al-Susah", PARAMS, "found", [SUSAH], "[]")
    cache.put("Nowhere", PARAMS, "not_found", [], "[]")
    first = tmp_path / "geocache.jsonl"
    assert cache.export_jsonl(first) == 3
    text = first.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["al-susah", "hajin", "nowhere"]
    assert all(list(json.loads(line)) == sorted(json.loads(line)) for line in lines)
    assert "é" in text  # readable in a diff, not \u escapes

    with GeocodeCache(tmp_path / "other.sqlite") as other:
        assert other.import_jsonl(first) == (3, [])
        second = tmp_path / "again.jsonl"
        other.export_jsonl(second)
        assert second.read_text(encoding="utf-8") == text
        assert other.get("HAJIN", PARAMS) == cache.get("Hajin", PARAMS)
    cache.export_jsonl(first)
    assert first.read_text(encoding="utf-8") == text
    assert not list(tmp_path.glob("*.tmp"))


def test_import_keeps_the_more_recent_answer(tmp_path, cache):
    cache.put("Hajin", PARAMS, "found", [HAJIN], "[]")
    export = tmp_path / "old.jsonl"
    cache.export_jsonl(export)
    obj = json.loads(export.read_text(encoding="utf-8"))
    obj.update(status="not_found", candidates=[], asked_at="2019-03-23T00:00:00+00:00")
    export.write_text(json.dumps(obj) + "\n", encoding="utf-8")
    cache.import_jsonl(export)
    assert cache.get("Hajin", PARAMS).status == "found"  # the file's answer is older


@pytest.mark.parametrize("bad, message", [
    ("{not json", "not valid JSON"),
    ('{"query": "x"}', "missing fields"),
    ('{"query": "x", "params": {}, "status": "error", "candidates": [], "raw": "", '
     '"asked_at": "2019-01-01T00:00:00+00:00"}', "status 'error'"),
    ('{"query": "x", "params": {}, "status": "found", "candidates": [{"name": "x"}], '
     '"raw": "", "asked_at": "2019-01-01T00:00:00+00:00"}', "candidate"),
    ('{"query": "x", "params": {}, "status": "not_found", "candidates": [], "raw": "", '
     '"asked_at": "yesterday"}', "ISO 8601"),
])
def test_bad_import_line_names_file_and_line_and_the_good_lines_load(tmp_path, cache, bad, message):
    good = ('{"query": "Hajin", "params": {}, "status": "not_found", "candidates": [], '
            '"raw": "[]", "asked_at": "2019-01-01T00:00:00+00:00"}')
    path = tmp_path / "geocache.jsonl"
    path.write_text(good + "\n\n" + bad + "\n", encoding="utf-8")
    count, (problem,) = cache.import_jsonl(path)
    assert count == 1 and len(cache) == 1  # one bad line does not cost every cached answer
    assert str(problem).startswith(f"{path}:3: ") and message in problem.reason


# --- two processes writing and one reading at the same time ---------------------------------

def _writer(path: str, name: str, count: int, go, errors) -> None:
    try:
        with GeocodeCache(path) as cache:
            go.wait(60)  # start together, so the writes really overlap
            for i in range(count):
                cand = Candidate(f"{name}-{i}", 34.0 + i / 1000, 40.0, "village", "SY")
                cache.put(f"{name} {i}", PARAMS, "found", [cand], "[]")
    except Exception as error:  # reported to the parent: an exit code alone says too little
        errors.put(f"{name}: {error!r}")


def _reader(path: str, go, stop, errors, seen) -> None:
    try:
        with GeocodeCache(path) as cache:
            go.wait(60)
            reads = 0
            while not stop.is_set() or reads == 0:
                seen.value = max(seen.value, len(cache))
                list(cache.entries())
                cache.get("a 0", PARAMS)
                reads += 1
    except Exception as error:
        errors.put(f"reader: {error!r}")


def test_two_writers_and_a_reader_lose_nothing(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    ctx = multiprocessing.get_context("spawn")  # no forked copies of pytest's threads
    go, stop, errors, seen = ctx.Event(), ctx.Event(), ctx.Queue(), ctx.Value("i", 0)
    reader = ctx.Process(target=_reader, args=(path, go, stop, errors, seen))
    writers = [ctx.Process(target=_writer, args=(path, name, 200, go, errors)) for name in "ab"]
    for p in (reader, *writers):
        p.start()
    go.set()
    for w in writers:
        w.join(120)
    stop.set()
    reader.join(120)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert [p.exitcode for p in (*writers, reader)] == [0, 0, 0]
    with GeocodeCache(tmp_path / "shared.sqlite") as cache:
        assert len(cache) == 400
        assert {e.query for e in cache.entries()} == {f"{n} {i}" for n in "ab" for i in range(200)}
    assert 0 < seen.value <= 400
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
