"""geo.ingest.articles: the formats, the bad-input corpus, ids, duplicates and saving."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from geo.ingest import articles
from geo.ingest.articles import load_articles, parse_file, parse_upload
from geo.ingest.save import save_article
from geo.models import Article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "articles" / "2019-03-03-pa-baghouz-last-stand.txt"
FM = (
    "---\ntitle: Syria: SDF push into Baghouz\ndate: 2019-03-03\nsource: AP\n---\n"
    "SDF fighters advanced.\n"
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def one_problem(folder: Path, name: str, content: str | bytes):
    """Load a folder holding one file; return (articles, the single problem's text)."""
    write(folder, name, content)
    found, problems = load_articles(folder)
    assert len(problems) == 1, problems
    assert problems[0].path.endswith(name)
    return found, str(problems[0])


# --- the real folder and the seed format -------------------------------------------------


def test_real_folder_loads_seed_without_problems():
    found, problems = load_articles(ROOT / "data" / "articles")
    assert problems == []
    seed = next(a for a in found if a.id == "2019-03-03-pa-baghouz-last-stand")
    assert seed.published == dt.date(2019, 3, 3)
    assert seed.source == "Press Association"
    assert seed.text.startswith("Islamic State militants")
    assert not seed.text.rstrip().endswith("Press Association")
    assert found == sorted(found, key=lambda a: (a.published, a.id))
    briefs = [a for a in found if a.id.startswith("briefs/")]  # front-matter files in a subfolder
    assert briefs and all(a.source and a.title for a in briefs)


def test_seed_title_is_first_sentence_shortened_at_a_word():
    (seed,), _ = parse_file(SEED)
    assert seed.title.endswith("\u2026") and len(seed.title) <= 91
    assert seed.title.startswith("Islamic State militants are desperately fighting")
    assert " " not in seed.title[-2:]  # cut at a word boundary, not mid-word or after a space


def test_seed_with_leading_whitespace_and_no_source(tmp_path):
    write(tmp_path, "a.txt", "\n   date 2019-02-09 The SDF began the final push. More text.")
    (art,), problems = load_articles(tmp_path)
    assert problems == [] and art.source == "" and art.title == "The SDF began the final push."


def test_seed_date_must_be_iso(tmp_path):
    _, msg = one_problem(tmp_path, "a.txt", " date 3-March-2019 Text here.")
    assert "a.txt:1:" in msg and "ISO date" in msg and "2019-03-03" in msg


# --- front matter --------------------------------------------------------------------------


def test_front_matter_title_split_on_first_colon_and_quotes(tmp_path):
    write(
        tmp_path,
        "briefs/2019-03-03-x.md",
        "---\ntitle: \"Syria: SDF push into Baghouz\"\ndate: 2019-03-03\nsource: 'AP'\n"
        "url: https://example.org/a?b=c:d\nnote: checked\n---\nSDF fighters advanced.\n",
    )
    (art,), problems = load_articles(tmp_path)
    assert problems == []
    assert (art.id, art.title, art.source) == (
        "briefs/2019-03-03-x",
        "Syria: SDF push into Baghouz",
        "AP",
    )
    assert art.url == "https://example.org/a?b=c:d" and art.text == "SDF fighters advanced."


def test_link_note_is_read_kept_and_saved(tmp_path):
    note = "page published 2019-03-19, after this brief's date"
    write(tmp_path, "a.md", FM.replace("source: AP", f"source: AFP via Rappler\nlink_note: {note}"))
    (art,), problems = load_articles(tmp_path)
    assert problems == [] and (art.source, art.link_note) == ("AFP via Rappler", note)
    (again,), _ = load_articles(save_article(art, tmp_path / "out", editor="test").parent)
    assert again.link_note == note


def test_front_matter_unknown_key_is_a_warning_not_fatal(tmp_path):
    found, msg = one_problem(tmp_path, "a.md", FM.replace("source: AP", "auther: AP"))
    assert len(found) == 1
    assert "a.md:4:" in msg and "'auther'" in msg and "title, date, source" in msg


def test_front_matter_id_overrides_path(tmp_path):
    write(tmp_path, "a.md", FM.replace("source: AP", "id: custom-1"))
    (art,), _ = load_articles(tmp_path)
    assert art.id == "custom-1"


def test_front_matter_never_closed(tmp_path):
    _, msg = one_problem(tmp_path, "a.md", "---\ndate: 2019-03-03\nText without a close.\n")
    assert "never closed" in msg and "'---'" in msg


def test_text_without_any_date(tmp_path):
    _, msg = one_problem(tmp_path, "a.txt", "Fighting continued near Hajin.\n")
    assert "a.txt:1: no date" in msg and "date 2019-03-03" in msg


def test_front_matter_without_date_line(tmp_path):
    _, msg = one_problem(tmp_path, "a.md", "---\ntitle: x\n---\nBody.\n")
    assert "no 'date:' line" in msg


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["3 March 2019", "March 3, 2019", "Sunday, 3 March 2019", "2019-03-03"]
)
def test_written_and_iso_dates_accepted(tmp_path, raw):
    write(tmp_path, "a.md", FM.replace("2019-03-03", raw))
    (art,), problems = load_articles(tmp_path)
    assert problems == [] and art.published == dt.date(2019, 3, 3)


@pytest.mark.parametrize(
    "raw, expect",
    [
        ("soon", "cannot read the date 'soon'"),
        ("yesterday", "cannot read the date 'yesterday'"),
        ("2019-02-30", "not a real calendar date"),
        ("03/04/2019", "ambiguous (2019-04-03 or 2019-03-04?): write it as YYYY-MM-DD"),
        ("1850-01-01", "before 1900"),
        ("2999-01-01", "in the future"),
    ],
)
def test_bad_dates(tmp_path, raw, expect):
    _, msg = one_problem(tmp_path, "a.md", FM.replace("2019-03-03", raw))
    assert expect in msg and "a.md:3:" in msg  # the line of the 'date:' key


def test_tomorrow_is_future_today_is_fine(tmp_path):
    today = dt.date.today()
    write(tmp_path, "a.md", FM.replace("2019-03-03", today.isoformat()))
    write(tmp_path, "b.md", FM.replace("2019-03-03", (today + dt.timedelta(days=1)).isoformat()))
    found, problems = load_articles(tmp_path)
    assert [a.id for a in found] == ["a"]
    assert len(problems) == 1 and "b.md" in str(problems[0]) and "future" in str(problems[0])


# --- encodings and binary ------------------------------------------------------------------


def test_latin1_rejected_with_offset_and_iconv(tmp_path):
    data = " date 2019-03-03 Caf\xe9 in Hajin.".encode("latin-1")
    _, msg = one_problem(tmp_path, "a.txt", data)
    assert "byte 0xe9 at byte offset 20" in msg
    assert "iconv -f latin1 -t utf-8 " + str(tmp_path / "a.txt") in msg


def test_bad_byte_after_utf8_bom_counts_the_bom(tmp_path):
    _, msg = one_problem(tmp_path, "a.txt", b"\xef\xbb\xbf date 2019-03-03\nCaf\xe9")
    assert "a.txt:2:" in msg and "byte 0xe9 at byte offset 23" in msg


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_utf16_and_bom_decoded(tmp_path, encoding):
    write(tmp_path, "a.md", FM.encode(encoding))
    (art,), problems = load_articles(tmp_path)
    assert problems == [] and art.title == "Syria: SDF push into Baghouz"


@pytest.mark.parametrize(
    "name, data, expect",
    [
        ("a.txt", b"", "empty (0 bytes)"),
        ("a.txt", b"  \n\t\n  ", "only whitespace"),
        ("a.txt", b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
        ("a.md", b"\x00\x01\x02\x00" * 50, "binary data (NUL bytes)"),
    ],
)
def test_empty_and_binary(tmp_path, name, data, expect):
    _, msg = one_problem(tmp_path, name, data)
    assert expect in msg and "a." in msg


def test_file_over_limit_rejected_without_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: 50 MB on paper, no disk used

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    found, problems = load_articles(tmp_path)
    assert found == [] and len(problems) == 1
    assert "50.0 MB, over the 20 MB limit" in str(problems[0])


def test_upload_over_limit_and_path_stripped():
    found, problems = parse_upload("../../etc/x.txt", b" date 2019-03-03 Text." * 10, max_bytes=50)
    assert found == [] and str(problems[0]).startswith("x.txt: the file is")
    (art,), problems = parse_upload("../x.md", FM.encode(), max_bytes=10_000)
    assert problems == [] and art.id == "upload/x" and art.path == "x.md"


# --- text cleaning -------------------------------------------------------------------------


def test_arabic_kept_bidi_marks_and_nuls_removed_nfc(tmp_path):
    body = "\u200fالباغوز\u200e Baghouz \u202bشرق\u202c \u2067x\u2069 cafe\u0301\x00 end."
    write(tmp_path, "a.md", FM.replace("SDF fighters advanced.", body))
    (art,), problems = load_articles(tmp_path)
    assert problems == []
    assert art.text == "الباغوز Baghouz شرق x caf\u00e9 end."


def test_html_script_kept_as_plain_text(tmp_path):
    body = "Before <script>alert('x')</script> <b>after</b>."
    write(tmp_path, "a.md", FM.replace("SDF fighters advanced.", body))
    (art,), _ = load_articles(tmp_path)
    assert art.text == body


def test_thousands_of_capitalised_words_load(tmp_path):
    body = " ".join(f"Name{i} Al-Place" for i in range(5_000)) + "."  # 10,000 capitalised words
    write(tmp_path, "a.txt", " date 2019-03-03 " + body)
    (art,), problems = load_articles(tmp_path)
    assert problems == [] and art.text == body and len(art.title) <= 91


# --- folder walking ------------------------------------------------------------------------


def test_unsupported_hidden_and_readme(tmp_path):
    for name in ("a.html", "b.pdf", "c.docx"):
        write(tmp_path, name, b"<html>")
    write(tmp_path, ".hidden.txt", b"junk")
    write(tmp_path, ".git/x.txt", b"junk")
    write(tmp_path, "README.md", b"# notes")
    write(tmp_path, "sub/README.md", b"# notes")
    write(tmp_path, "sub/ok.md", FM)
    found, problems = load_articles(tmp_path)
    assert [a.id for a in found] == ["sub/ok"]
    assert sorted(Path(p.path).name for p in problems) == ["a.html", "b.pdf", "c.docx"]
    assert all(".txt, .md, .csv or .jsonl" in p.reason for p in problems)


def test_one_bad_file_does_not_stop_others(tmp_path):
    write(tmp_path, "a.md", FM)
    write(tmp_path, "b.txt", b"\xff\xfe\x00")  # broken UTF-16
    write(tmp_path, "c.txt", " date 2018-12-14 Hajin was taken.")
    found, problems = load_articles(tmp_path)
    assert [a.id for a in found] == ["c", "a"]  # sorted by date
    assert len(problems) == 1 and "b.txt" in str(problems[0])


def test_duplicate_ids_across_files_first_in_path_order_kept(tmp_path):
    write(tmp_path, "b.md", FM.replace("source: AP", "id: same"))
    write(tmp_path, "a/z.md", FM.replace("source: AP", "id: same").replace("advanced", "waited"))
    found, problems = load_articles(tmp_path)
    assert len(found) == 1 and found[0].text == "SDF fighters waited."
    msg = str(problems[0])
    assert msg.startswith(str(tmp_path / "b.md")) and str(tmp_path / "a" / "z.md") in msg
    assert "duplicate id 'same'" in msg


def test_missing_folder_is_a_problem(tmp_path):
    found, problems = load_articles(tmp_path / "nope")
    assert found == [] and "does not exist" in str(problems[0])


# --- CSV and JSON Lines ----------------------------------------------------------------------


def test_csv_rows_ids_and_bad_row_line(tmp_path):
    rows = (
        "id,title,date,text,source,url\n"
        'r1,,2019-03-03,"Fighting in Baghouz, again.\nSecond line.",AP,\n'
        ",T,2019-03-04,Text two.,,\n"
        ",T,03/04/2019,Bad date.,,\n"
        ",T,2019-03-05,,,\n"
        ",T,2019-03-05,x,y\n"
    )
    write(tmp_path, "feed.csv", rows)
    found, problems = load_articles(tmp_path)
    assert [a.id for a in found] == ["r1", "feed:4"]
    assert found[0].title == "Fighting in Baghouz, again."
    assert [p.line for p in problems] == [5, 6, 7]
    assert "feed.csv:5: date '03/04/2019' is ambiguous" in str(problems[0])
    assert "no text" in problems[1].reason and "6 fields" not in problems[1].reason
    assert "5 fields but the header has 6" in problems[2].reason


@pytest.mark.parametrize("header, missing", [("id,date,title", "text"), ("id,text", "date")])
def test_csv_missing_required_column(tmp_path, header, missing):
    found, msg = one_problem(tmp_path, "f.csv", header + "\nx,2019-03-03,y\n")
    assert found == [] and f"no {missing} column" in msg and "f.csv:1:" in msg


def test_csv_row_text_over_limit_is_that_rows_problem(tmp_path):
    long = "word " * 50_000  # 250,000 characters: also past csv's default field limit
    write(tmp_path, "f.csv", f"date,text\n2019-03-03,{long}\n2019-03-04,Short.\n")
    found, problems = load_articles(tmp_path)
    assert [a.id for a in found] == ["f:3"]
    assert problems[0].line == 2 and "over the 200,000 limit" in problems[0].reason


def test_jsonl_good_malformed_and_non_object(tmp_path):
    lines = [
        json.dumps({"id": "j1", "date": "2019-03-23", "text": "Baghouz fell.", "source": "SDF"}),
        '{"date": "2019-03-24", "text": "oops"',
        "",
        "[1, 2]",
        json.dumps({"date": "24 March 2019", "text": "Victory declared.", "extra": 1}),
    ]
    write(tmp_path, "f.jsonl", "\n".join(lines))
    found, problems = load_articles(tmp_path)
    assert [a.id for a in found] == ["j1", "f:5"]
    assert [p.line for p in problems] == [2, 4]
    assert str(problems[0]).startswith(str(tmp_path / "f.jsonl") + ":2: not valid JSON")
    assert "not an object" in problems[1].reason


def test_duplicate_id_inside_one_csv(tmp_path):
    write(tmp_path, "f.csv", "id,date,text\na,2019-03-03,One.\na,2019-03-04,Two.\n")
    found, problems = load_articles(tmp_path)
    assert len(found) == 1 and problems[0].line == 3 and "first on line 2" in problems[0].reason


# --- saving --------------------------------------------------------------------------------


def test_save_round_trips_and_never_overwrites(tmp_path):
    art = Article(
        id="2019-03-03-x",
        title='He said "rats": Baghouz',
        published=dt.date(2019, 3, 3),
        text="Text with --- inside.\n\n---\nand more.",
        source="AP",
        url="https://e.org/a",
    )
    first = save_article(art, tmp_path, editor="test")
    second = save_article(art, tmp_path, editor="test")
    assert (first.name, second.name) == ("2019-03-03-x.md", "2019-03-03-x-2.md")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left
    found, problems = load_articles(tmp_path)
    assert problems == []
    assert [a.id for a in found] == ["2019-03-03-x", "2019-03-03-x-2"]
    for loaded in found:
        assert (loaded.title, loaded.published, loaded.text, loaded.source, loaded.url) == (
            art.title,
            art.published,
            art.text,
            art.source,
            art.url,
        )


def test_save_failure_leaves_no_file(tmp_path, monkeypatch):
    art = Article(id="a", title="t", published=dt.date(2019, 3, 3), text="x")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(articles.os, "replace", fail)
    with pytest.raises(OSError):
        save_article(art, tmp_path, editor="test")
    assert list(tmp_path.iterdir()) == []
