"""Rules for what the dashboard's upload may write: articles per upload, name lengths, ids that
are never an existing article's, and who added it."""
from __future__ import annotations

import contextlib
import datetime as dt
import json

from geo.ingest.articles import MAX_NAME_BYTES, MAX_UPLOAD_ARTICLES, load_articles, parse_upload
from geo.ingest.save import save_article
from geo.models import Article

ART = Article(id="upload/x", title="SDF enter Hajin", published=dt.date(2019, 3, 4),
              text="SDF fighters entered Hajin on Monday.", source="Wire")
FM = "---\ndate: 2019-03-04\n---\nSDF fighters entered Hajin on Monday.\n"


def jsonl(n: int) -> bytes:
    return "\n".join(json.dumps({"id": f"a{i}", "date": "2019-03-04", "text": "In Hajin."})
                     for i in range(n)).encode()


def test_upload_over_the_article_limit_is_refused_whole():
    found, problems = parse_upload("many.jsonl", jsonl(MAX_UPLOAD_ARTICLES + 1), max_bytes=10**7)
    assert found == []
    assert [str(p) for p in problems] == [
        f"many.jsonl: the file holds {MAX_UPLOAD_ARTICLES + 1} articles, over the limit of "
        f"{MAX_UPLOAD_ARTICLES} per upload: split it into smaller files"]
    found, problems = parse_upload("few.jsonl", jsonl(3), max_bytes=10**7, max_articles=3)
    assert len(found) == 3 and problems == []


def test_a_250_character_name_is_shortened_and_saved(tmp_path):
    for stem in ("a" * 250, "باغوز" * 50):  # ASCII, and Arabic at two bytes a letter
        (art,), problems = parse_upload(stem + ".md", FM.encode(), max_bytes=10_000)
        assert problems == [] and len(art.path.encode()) <= MAX_NAME_BYTES + 3
        path = save_article(art, tmp_path / "added", editor="ed", root=tmp_path)
        assert len(path.name.encode()) <= MAX_NAME_BYTES + 8 and path.read_text(encoding="utf-8")


def test_a_250_character_article_id_is_saved_under_a_short_name(tmp_path):
    long = Article(**{**ART.__dict__, "id": "ü" * 250})
    path = save_article(long, tmp_path, editor="ed")
    assert len(path.name.encode()) <= MAX_NAME_BYTES + 3
    (loaded,), problems = load_articles(tmp_path)
    assert problems == [] and loaded.id == path.stem


def test_an_uploaded_id_never_takes_an_existing_articles_id(tmp_path):
    (tmp_path / "briefs").mkdir()
    (tmp_path / "briefs" / "hajin.md").write_text(FM, encoding="utf-8")
    (tmp_path / "added").mkdir()
    (tmp_path / "added" / "x.txt").write_text(" date 2019-03-03 Old text.", encoding="utf-8")
    (tmp_path / "table.csv").write_text("id,date,text\nadded/y,2019-03-03,A row.\n", encoding="utf-8")
    saved = [save_article(Article(**{**ART.__dict__, "id": i}), tmp_path / "added",
                          editor="ed", root=tmp_path) for i in ("x", "y", "x")]
    assert [p.name for p in saved] == ["x-2.md", "y-2.md", "x-3.md"]
    assert (tmp_path / "added" / "x.txt").read_text() == " date 2019-03-03 Old text."
    found, problems = load_articles(tmp_path)
    assert problems == []  # no duplicate id: nothing was shadowed
    assert sorted(a.id for a in found) == ["added/x", "added/x-2", "added/x-3", "added/y",
                                           "added/y-2", "briefs/hajin"]


def test_who_added_it_is_recorded_and_read_back(tmp_path):
    path = save_article(ART, tmp_path, editor="editor@example.org")
    assert 'added_by: "editor@example.org"' in path.read_text(encoding="utf-8")
    found, problems = load_articles(tmp_path)
    assert problems == [] and found[0].text == ART.text  # the loader accepts the field


def test_a_failed_save_leaves_no_empty_reserved_file(tmp_path, monkeypatch):
    import tempfile

    def no_temp(*args, **kwargs):
        raise OSError(36, "File name too long")

    monkeypatch.setattr(tempfile, "mkstemp", no_temp)
    with contextlib.suppress(OSError):
        save_article(ART, tmp_path, editor="ed")
    assert list(tmp_path.iterdir()) == []  # an empty x.md would be reported as a bad article
