"""`python -m geo extract`: bad lines are reported and skipped, the stream goes on; a missing
file is one sentence; a huge text is refused; dating a long text stays linear."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys

import pytest

from geo import __main__ as cli
from geo.cli import documents
from geo.dating import event_dates as dates
from geo.dating.layout import find_expressions
from geo.ingest.formats import MAX_TEXT_CHARS
from tests.datadir import copy_data

GOOD = {"id": "ok", "text": "SDF fighters entered Hajin on Friday.", "date": "2019-03-04"}


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """Run extract on `lines` (bytes) from a file or stdin; (status, stdout lines, stderr lines)."""
    monkeypatch.setenv("GEO_DATA_DIR", str(copy_data(tmp_path, articles=False)))

    def go(lines: list[bytes], *, stdin: bool = False):
        data = b"\n".join(lines) + b"\n"
        if stdin:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
            status = cli.main(["extract", "--offline", "-"])
        else:
            (tmp_path / "in.jsonl").write_bytes(data)
            status = cli.main(["extract", "--offline", str(tmp_path / "in.jsonl")])
        out, err = capsys.readouterr()
        return status, [json.loads(x) for x in out.splitlines()], err.splitlines()

    return go


def line(**doc) -> bytes:
    return json.dumps({**GOOD, **doc}).encode()


def test_bad_lines_are_skipped_with_a_plain_reason_and_later_lines_written(run):
    status, out, err = run(
        [
            line(id=1),
            line(text=["SDF", "Hajin"]),  # 2: text a list
            line(date=20190304),  # 3: date a number
            line(date="last Friday"),  # 4: date not a date
            b'{"id": 5, "text": "Caf\xe9 in Hajin."}',  # 5: Latin-1, not UTF-8
            b'{"id": 6, "text": ',  # 6: broken JSON
            b'["a list"]',  # 7: not an object
            json.dumps({"id": 8}).encode(),  # 8: no text
            b'{"id": 9, "text": "\\ud800 Hajin"}',  # 9: lone surrogate
            line(id=10),
        ],
        stdin=True,
    )
    assert status == 1
    assert [doc["id"] for doc in out] == [1, 10]
    assert out[1]["places"] and out[1]["places"][0]["name"] == "Hajin"
    assert [e.split(": skipped: ")[0] for e in err] == [f"-:{n}" for n in range(2, 10)]
    reasons = " | ".join(err)
    for expected in (
        '"text" is a list, not a string',
        '"date" is a number, not a date',
        "\"date\" 'last Friday' is not a date: write it as YYYY-MM-DD",
        "not UTF-8 (byte 0xe9 at column",
        "not valid JSON",
        "is a list, not an object",
        'no "text" field',
        "lone surrogate",
    ):
        assert expected in reasons
    assert "attribute" not in reasons and "Traceback" not in reasons


def test_file_name_in_messages_and_huge_text_refused(run, tmp_path):
    text = "Hajin " * (MAX_TEXT_CHARS // 6 + 10)
    status, out, err = run([line(text=text), line(id="next")])
    assert status == 1 and [d["id"] for d in out] == ["next"]
    assert err == [
        f"{tmp_path / 'in.jsonl'}:1: skipped: the text is {len(text):,} characters, "
        f"over the {MAX_TEXT_CHARS:,} limit: split it into smaller texts"
    ]


def test_a_line_too_long_to_read_is_skipped_unread(run, monkeypatch):
    monkeypatch.setattr(documents, "MAX_LINE_BYTES", 1000)
    status, out, err = run([line(text="x" * 5000), line(id="after")])
    assert [d["id"] for d in out] == ["after"] and err[0].endswith("split the text")
    assert ":1: skipped: the line is over 1,000 bytes" in err[0]


def test_missing_input_file_is_one_sentence_and_status_2(tmp_path, capsys):
    status = cli.main(["extract", "--offline", str(tmp_path / "nope.jsonl")])
    err = capsys.readouterr().err
    assert status == 2
    assert (
        err == f"{tmp_path / 'nope.jsonl'}: cannot read the input (there is no such file): "
        "give a JSON Lines file, or - for standard input\n"
    )


# --- linear time on one long text --------------------------------------------------------


def test_dating_a_long_text_is_linear(monkeypatch):
    """A 300 kB run-on text (no full stop) with a date every few words: _govern weighed every
    date of the sentence for every mention, ~10^8 steps here. Checked on what it touches:
    each place now looks at a bounded stretch of the text, not the whole of it."""
    piece = "Hajin on 3 March, Baghouz on Friday, Susah in January 2019, al-Shafa since 2014, "
    text = piece * (300_000 // len(piece))
    spans = [(i, i + 5) for i in range(0, len(text), len(piece))]  # every "Hajin"
    looked = []
    real = dates._exprs_in
    monkeypatch.setattr(
        dates, "_exprs_in", lambda lay, lo, hi: looked.append(hi - lo) or real(lay, lo, hi)
    )
    got = dates.date_mentions(text, dt.date(2019, 3, 4), spans)
    assert len(got) == len(spans) and got[1].start == dt.date(2019, 3, 3)
    assert max(looked) <= 3_100  # MAX_SENTENCE_CHARS and a word; was the whole text


@pytest.mark.timeout(120)  # a hang guard, not a timing: ~10 s on a busy 2-core machine
def test_scan_of_a_text_dense_with_dates_finishes():
    """The overlap check alone: 50,000 expressions, each compared with every kept one before
    (~10^9 comparisons, some ten minutes); now each looks at its own few characters."""
    text = "on 3 March, " * 50_000
    assert len(find_expressions(text, dt.date(2019, 3, 4))) == 50_000
