"""`geo build` with hostile or broken inputs: a FIFO among the articles, a JSONL row whose text
is a list, a broken geocache.jsonl, a corrections.csv that is not UTF-8. Each is reported with
its file (and line), the build goes on, and nothing is lost."""

from __future__ import annotations

import json
import os
import threading

import pytest

from geo.config import Settings
from geo.geoparse.corrections import Correction, Corrections
from geo.ingest.articles import load_articles
from geo.table.pipeline import build_events
from tests.datadir import copy_data

ARTICLE = "---\ndate: 2019-03-04\n---\nSDF fighters entered Hajin on Monday.\n"


def settings_for(data) -> Settings:
    return Settings.from_env({"GEO_DATA_DIR": str(data)})


@pytest.mark.timeout(60)  # before the fix the build waited on the FIFO forever
def test_a_fifo_among_the_articles_is_skipped_not_opened(tmp_path):
    (tmp_path / "a.md").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.md")
    done = []
    worker = threading.Thread(target=lambda: done.append(load_articles(tmp_path)), daemon=True)
    worker.start()
    worker.join(20)
    assert done, "load_articles is waiting on the FIFO"
    found, problems = done[0]
    assert [a.id for a in found] == ["a"]
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'pipe.md'}: this is a named pipe (FIFO), not a regular file: skipped "
        "without reading it; move it out of the articles folder"
    ]


@pytest.mark.parametrize(
    "field, value, kind",
    [
        ("text", ["SDF", "Hajin"], "a list"),
        ("text", {"a": 1}, "an object"),
        ("date", 20190304, "a number"),
        ("title", True, "true or false"),
    ],
)
def test_jsonl_field_that_is_not_a_string_is_rejected_with_file_and_line(
    tmp_path, field, value, kind
):
    rows = [
        {"id": "ok", "date": "2019-03-04", "text": "Fighters reached Hajin."},
        {"id": "bad", "date": "2019-03-04", "text": "Fighters reached Hajin.", field: value},
    ]
    (tmp_path / "f.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    found, problems = load_articles(tmp_path)
    assert [a.id for a in found] == ["ok"]
    assert [str(p) for p in problems] == [
        f'{tmp_path / "f.jsonl"}:2: "{field}" is {kind}, not a string: '
        f'write it as one JSON string, e.g. "{field}": "..."'
    ]


def test_numeric_jsonl_id_still_accepted(tmp_path):
    (tmp_path / "f.jsonl").write_text('{"id": 7, "date": "2019-03-04", "text": "In Hajin."}\n')
    found, problems = load_articles(tmp_path)
    assert problems == [] and found[0].id == "7"


def test_broken_geocache_export_is_reported_build_goes_on_and_the_file_is_kept(tmp_path):
    data = copy_data(tmp_path, articles=False, extra={"a.md": ARTICLE})
    export = data / "geocache.jsonl"
    good = (
        '{"query": "Zzyzx", "params": {}, "status": "not_found", "candidates": [], '
        '"raw": "[]", "asked_at": "2019-01-01T00:00:00+00:00"}'
    )
    wrong_type = good.replace("Zzyzx", "Other").replace(
        '"candidates": []', '"candidates": [{"name": 1, "kind": "town"}]'
    )
    export.write_bytes(
        f'{good}\n{{not json\n{{"query": "x"}}\n'.encode() + b"\xff\n" + wrong_type.encode()
    )
    original = export.read_bytes()
    table, summary = build_events(settings_for(data), online=False)
    assert len(table) == 1  # the build went on
    lines = [str(p) for p in summary.rejected]
    assert lines[0].startswith(f"{export}:2: not valid JSON")
    assert lines[1].startswith(f"{export}:3: missing fields")
    assert lines[2] == f"{export}:4: not UTF-8 (byte 0xff at column 1): the line was skipped"
    assert lines[3].startswith(f"{export}:5: candidate fields of the wrong type: ['name']")
    kept = [p for p in data.iterdir() if p.name.startswith("geocache.jsonl.bad-")]
    assert len(kept) == 1 and kept[0].read_bytes() == original  # nothing lost
    assert (
        lines[4]
        == f"{export}: the lines above were skipped; the file as it was is kept as {kept[0].name}"
    )
    assert "Zzyzx" in export.read_text(encoding="utf-8")  # the good line survived the rewrite


def test_non_utf8_corrections_reported_build_goes_on_and_a_save_keeps_the_file(tmp_path):
    data = copy_data(tmp_path, articles=False, extra={"a.md": ARTICLE})
    path = data / "corrections.csv"
    raw = ("article_id,surface,action,reason\n*,Hajin,reject,caf\xe9 owner\n").encode("latin-1")
    path.write_bytes(raw)
    table, summary = build_events(settings_for(data), online=False)
    assert len(table) == 1  # the reject did not apply: the file was not used
    assert str(summary.rejected[0]) == (
        f"{path}:2: not UTF-8 (byte 0xe9), so none of its corrections were used: save it as "
        "UTF-8 (e.g. iconv -f latin1 -t utf-8)"
    )
    assert path.read_bytes() == raw  # the build never rewrites it
    current, _ = Corrections.load(path)
    current.added(Correction("*", "Susah", "reject", reason="test"), path)
    kept = [p for p in data.iterdir() if p.name.startswith("corrections.csv.bad-")]
    assert len(kept) == 1 and kept[0].read_bytes() == raw
