"""The bundled campaign briefs and their expectations file, checked as plain files.

Reads data/articles/briefs/*.md and tests/data/corpus_expectations.csv directly (no geo/ imports:
the loader is tested on its own). The chronology that the briefs summarise lives outside the repo
in ../shared/reference/ (as in CI); the coverage test is skipped when that folder is absent.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BRIEFS = ROOT / "data" / "articles" / "briefs"
EXPECTATIONS = ROOT / "tests" / "data" / "corpus_expectations.csv"
CHRONOLOGY = ROOT.parent / "shared" / "reference" / "chronology.csv"

FIRST_DAY, LAST_DAY = dt.date(2018, 9, 1), dt.date(2019, 5, 31)
FIELDS = ("title", "date", "source", "url", "note")
AFTER = "after this brief's date"
# Dates written in the addresses of the linked pages (year/month/day paths, ISO dates,
# Rudaw's DDMMYYYY).
URL_DATES = (
    re.compile(r"/(?P<y>20\d\d)/(?P<m>\d\d)/(?P<d>\d\d)/"),
    re.compile(r"(?<!\d)(?P<y>20\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)"),
    re.compile(r"rudaw\.net/.*/(?P<d>\d\d)(?P<m>\d\d)(?P<y>20\d\d)\d?(?:-amp)?$"),
)
# Linked sites whose name in `source` is not their address.
SITE_NAMES = {
    "smartnews-agency": "SMART",
    "apnews": "AP",
    "defense": "Department of Defense",
    "thenationalnews": "The National",
    "alaraby": "The New Arab",
    "hathalyoum": "Hatha al-Youm",
}
COLUMNS = ["file", "surface", "occurrence", "place", "event_date", "event_end", "precision"]
PRECISIONS = {"day", "span", "week", "month", "published", "background"}
# Chronology rows with no brief mention dated on that day, and why (see data/articles/README.md).
UNCOVERED = {
    "2019-04-29": "the video's recording place is unknown; Baghouz is named only as the March "
    "battle, so its mention carries month precision",
}
# A sentence ends at . ! or ? (optionally followed by a closing quote) before a capital or quote.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”']?\s+(?=[A-Z\"“'])")

BRIEF_FILES = sorted(BRIEFS.glob("*.md"))


def read_brief(path: Path) -> tuple[dict[str, str], str]:
    """Split a brief into its front matter (key -> value) and its body."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "---", (
        f"{path.name}:1: expected '---' to open the front matter, got {lines[0]!r}"
    )
    try:
        close = lines.index("---", 1)
    except ValueError:
        pytest.fail(f"{path.name}: front matter is never closed; add a line '---' after it")
    meta = {}
    for number, line in enumerate(lines[1:close], start=2):
        key, sep, value = line.partition(":")
        assert sep, f"{path.name}:{number}: expected 'key: value', got {line!r}"
        meta[key.strip()] = value.strip()
    return meta, "\n".join(lines[close + 1 :])


def occurrences(surface: str, body: str) -> int:
    """How often surface appears in body as a whole name (not inside a longer word or
    hyphenation)."""
    return len(re.findall(r"(?<![\w-])" + re.escape(surface) + r"(?![\w-])", body))


def read_expectations() -> list[dict[str, str]]:
    with EXPECTATIONS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS, f"{EXPECTATIONS.name}:1: header must be {COLUMNS}"
        return list(reader)


def test_corpus_has_at_least_fifty_briefs():
    assert len(BRIEF_FILES) >= 50, f"only {len(BRIEF_FILES)} briefs in {BRIEFS}"


@pytest.mark.parametrize("path", BRIEF_FILES, ids=lambda p: p.name)
def test_brief_front_matter_and_body(path):
    meta, body = read_brief(path)
    missing = [key for key in FIELDS if not meta.get(key)]
    assert not missing, f"{path.name}: front matter lacks {missing}"
    published = dt.date.fromisoformat(meta["date"])
    assert FIRST_DAY <= published <= LAST_DAY, (
        f"{path.name}: date {published} outside the campaign window"
    )
    assert path.name.startswith(meta["date"] + "-"), (
        f"{path.name}: file name must start with its date {meta['date']}"
    )
    assert re.fullmatch(r"https?://\S+", meta["url"]), (
        f"{path.name}: url {meta['url']!r} is not http(s)"
    )
    count = len([s for s in SENTENCE_END.split(body.strip()) if s.strip()])
    assert 2 <= count <= 6, f"{path.name}: body has {count} sentences, expected 2 to 6"


def test_expectations_point_at_real_text():
    rows = read_expectations()
    bodies = {path.name: read_brief(path) for path in BRIEF_FILES}
    for line, row in enumerate(rows, start=2):
        where = f"{EXPECTATIONS.name}:{line}"
        assert row["file"] in bodies, f"{where}: no brief named {row['file']!r} in {BRIEFS}"
        meta, body = bodies[row["file"]]
        wanted = int(row["occurrence"])
        found = occurrences(row["surface"], body)
        assert 1 <= wanted <= found, (
            f"{where}: {row['surface']!r} wanted as occurrence {wanted}, found {found} in the body"
        )
        assert row["place"].strip(), f"{where}: place is empty"


def test_expectation_dates_are_consistent():
    published = {
        path.name: dt.date.fromisoformat(read_brief(path)[0]["date"]) for path in BRIEF_FILES
    }
    for line, row in enumerate(read_expectations(), start=2):
        where = f"{EXPECTATIONS.name}:{line}"
        precision = row["precision"]
        assert precision in PRECISIONS, (
            f"{where}: precision {precision!r} not in {sorted(PRECISIONS)}"
        )
        if precision == "background":
            assert not row["event_date"] and not row["event_end"], (
                f"{where}: background rows carry no dates"
            )
            continue
        start = dt.date.fromisoformat(row["event_date"])
        assert start <= published[row["file"]], f"{where}: event {start} after publication"
        assert bool(row["event_end"]) == (precision == "span"), (
            f"{where}: event_end is set only for spans"
        )
        if precision == "span":
            end = dt.date.fromisoformat(row["event_end"])
            assert start < end <= published[row["file"]], (
                f"{where}: span {start}..{end} is not ordered before publication"
            )
        if precision == "published":
            assert start == published[row["file"]], (
                f"{where}: 'published' rows carry the publication date"
            )
        if precision == "week":
            assert start.weekday() == 0, f"{where}: week rows start on a Monday, got {start:%A}"
        if precision == "month":
            assert start.day == 1, f"{where}: month rows start on the 1st, got {start}"


def test_every_brief_has_expectations():
    listed = {row["file"] for row in read_expectations()}
    unlisted = [path.name for path in BRIEF_FILES if path.name not in listed]
    assert not unlisted, f"briefs with no rows in {EXPECTATIONS.name}: {unlisted}"


def test_every_chronology_date_is_covered():
    if not CHRONOLOGY.exists():
        pytest.skip(f"{CHRONOLOGY} not found (expected beside the repo as ../shared)")
    with CHRONOLOGY.open(encoding="utf-8", newline="") as handle:
        facts = {row["date"] for row in csv.DictReader(handle)}
    covered = set()
    for row in read_expectations():
        if row["precision"] in ("day", "span"):
            day = dt.date.fromisoformat(row["event_date"])
            end = dt.date.fromisoformat(row["event_end"] or row["event_date"])
            while day <= end:
                covered.add(day.isoformat())
                day += dt.timedelta(days=1)
    missing = sorted(facts - covered - UNCOVERED.keys())
    assert not missing, f"chronology dates with no dated brief mention: {missing}"
    stale = sorted(UNCOVERED.keys() & covered)
    assert not stale, f"dates listed in UNCOVERED are covered after all; drop them: {stale}"


def url_date(url: str) -> dt.date | None:
    for rx in URL_DATES:
        m = rx.search(url)
        if m:
            return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    return None


def site_of(url: str) -> str:
    """'https://english.alarabiya.net/...' -> 'alarabiya'; 'www.alaraby.co.uk' -> 'alaraby'."""
    labels = re.sub(r"^https?://", "", url).split("/")[0].split(".")
    return labels[-3] if labels[-2] in ("co", "com") and len(labels) > 2 else labels[-2]


def squeeze(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@pytest.mark.parametrize("path", BRIEF_FILES, ids=lambda p: p.name)
def test_links_say_when_the_page_is_later_than_the_brief(path):
    """A page that did not exist yet on the brief's date is linked only with a link_note
    saying so."""
    meta, _ = read_brief(path)
    published = dt.date.fromisoformat(meta["date"])
    note = meta.get("link_note", "")
    assert not note or AFTER in note, f"{path.name}: link_note must say the page is from {AFTER!r}"
    linked = url_date(meta["url"])
    if linked and linked > published:
        assert note, (
            f"{path.name}: {meta['url']} is dated {linked}, after the brief's {published}: "
            f"add 'link_note: page published {linked}, {AFTER}'"
        )
    stated = re.search(r"page published (\d{4}-\d\d-\d\d)", note)
    if stated:
        assert dt.date.fromisoformat(stated[1]) > published, (
            f"{path.name}: link_note date is not after the brief"
        )


@pytest.mark.parametrize("path", BRIEF_FILES, ids=lambda p: p.name)
def test_source_names_the_linked_site(path):
    """The site linked is named in `source`, as the outlet or after 'via' when it reposts another's
    report ('AFP via Rappler'), so a reader knows whose page the link opens."""
    meta, _ = read_brief(path)
    site = site_of(meta["url"])
    name = SITE_NAMES.get(site, site)
    assert squeeze(name) in squeeze(meta["source"]), (
        f"{path.name}: source {meta['source']!r} does not name the linked site "
        f"{name!r} ({meta['url']})"
    )
