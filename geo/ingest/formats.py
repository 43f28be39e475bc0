"""One file's content -> Articles: seed .txt, front-matter .md/.txt, .csv and .jsonl tables
(whose rows geo.ingest.rows reads).

Nothing here raises on bad input: every bad file or row becomes a Problem that names the
file (and line) and says how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from geo.ingest.clean import FORMATS, ISO_DATE, BadInput, clean_text, decode, make_title, parse_date
from geo.ingest.rows import ROW_KEYS, Row, csv_rows, jsonl_rows
from geo.models import Article, Problem

SUPPORTED = (".txt", ".md", ".csv", ".jsonl")
MAX_FILE_BYTES = 20_000_000
MAX_TEXT_CHARS = 200_000
# link_note: when the linked page is not the report as it stood on the article's date
# ("page published 2019-03-19, after this brief's date"); shown wherever the link is.
FRONT_KEYS = ("id", "title", "date", "source", "url", "link_note", "note", "added_by")
_SEED = re.compile(r"\s*date[ \t]+(\S+)[ \t]*")
_SOURCE_LINE = re.compile(r"[-\u2013\u2014][ \t]+(\S.{0,99})")


def _article(
    label: str,
    art_id: str,
    date: str,
    text: str,
    title: str = "",
    source: str = "",
    url: str = "",
    line: int | None = None,
    date_line: int | None = None,
    link_note: str = "",
) -> Article:
    text = clean_text(text).strip()
    if not text:
        raise BadInput("the article has no text: add the article body", line)
    if len(text) > MAX_TEXT_CHARS:
        raise BadInput(
            f"the text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit: "
            "split or trim the article",
            line,
        )
    try:
        published = parse_date(clean_text(date))
    except BadInput as bad:
        raise BadInput(bad.reason, date_line or line) from None
    title = " ".join(clean_text(title).split()) or make_title(text)
    return Article(
        id=clean_text(art_id).strip(),
        title=title,
        published=published,
        text=text,
        source=" ".join(clean_text(source).split()),
        url=clean_text(url).strip(),
        link_note=" ".join(clean_text(link_note).split()),
        path=label,
    )


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _front_matter(text: str, label: str, art_id: str) -> tuple[Article, list[Problem]]:
    lines = text.split("\n")
    close = _front_close(lines)
    fields, lines_of, warnings = _front_fields(lines[1:close], label)
    if "date" not in fields:
        raise BadInput("the front matter has no 'date:' line: add e.g. 'date: 2019-03-03'", 1)
    body = "\n".join(lines[close + 1 :])
    article = _article(
        label,
        fields.get("id", "").strip() or art_id,
        fields["date"],
        body,
        fields.get("title", ""),
        fields.get("source", ""),
        fields.get("url", ""),
        date_line=lines_of["date"],
        link_note=fields.get("link_note", ""),
    )
    return article, warnings


def _front_close(lines: list[str]) -> int:
    """The index of the '---' line that closes the front matter opened on the first line."""
    try:
        return next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise BadInput(
            "the front matter opened with '---' is never closed: add a '---' line "
            "after the last 'key: value' line",
            1,
        ) from None


def _front_fields(
    block: list[str], label: str
) -> tuple[dict[str, str], dict[str, int], list[Problem]]:
    """The front matter's 'key: value' lines (block starts on the file's line 2): the values of
    known keys, the line each is on, and a warning for every other line that is not blank or
    a comment."""
    fields: dict[str, str] = {}
    lines_of: dict[str, int] = {}
    warnings: list[Problem] = []
    for number, raw in enumerate(block, start=2):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, colon, value = raw.partition(":")
        key = key.strip().lower()
        if not colon or not key:
            warnings.append(
                Problem(
                    label,
                    f"ignored {raw.strip()[:60]!r}: front-matter lines must be 'key: value'",
                    number,
                )
            )
        elif key not in FRONT_KEYS:
            warnings.append(
                Problem(
                    label,
                    f"unknown front-matter key {key!r} ignored: use "
                    f"one of {', '.join(FRONT_KEYS)} (the article still loaded)",
                    number,
                )
            )
        else:
            fields[key], lines_of[key] = _unquote(value), number
    return fields, lines_of, warnings


def _seed(text: str, label: str, art_id: str) -> Article:
    match = _SEED.match(text)
    if not match or not ISO_DATE.fullmatch(match.group(1)) or len(match.group(1)) != 10:
        found = match.group(1) if match else ""
        raise BadInput(
            f"the seed format needs an ISO date after 'date' (found {found!r}): "
            "start the file with ' date 2019-03-03 ' then the text",
            1,
        )
    body = text[match.end() :].rstrip()
    source = ""
    head, _, last = body.rpartition("\n")
    tail = _SOURCE_LINE.fullmatch(last.strip())
    if head.strip() and tail:
        body, source = head, tail.group(1)
    return _article(label, art_id, match.group(1), body, source=source, line=1)


def _single(text: str, label: str, art_id: str) -> tuple[list[Article], list[Problem]]:
    first = text.lstrip("\n").split("\n", 1)[0].strip()
    if first == "---":
        article, warnings = _front_matter(text.lstrip("\n"), label, art_id)
        return [article], warnings
    if _SEED.match(text):
        return [_seed(text, label, art_id)], []
    raise BadInput(
        "no date: start the file with ' date 2019-03-03 ' before the text, or with a "
        "front-matter block ('---', 'date: 2019-03-03', '---')",
        1,
    )


def _table(text: str, label: str, stem: str, suffix: str) -> tuple[list[Article], list[Problem]]:
    return parse_rows(
        csv_rows(text, MAX_FILE_BYTES) if suffix == ".csv" else jsonl_rows(text), label, stem
    )


def parse_rows(rows: Iterable[Row], label: str, stem: str) -> tuple[list[Article], list[Problem]]:
    """Articles from (line number, row dict or BadInput) pairs of one table file; a row
    without an id gets `stem:line`."""
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            if isinstance(row, BadInput):
                raise row
            got = {k: "" if row.get(k) is None else str(row[k]) for k in ROW_KEYS}
            article = _article(
                label,
                got["id"].strip() or f"{stem}:{line}",
                got["date"],
                got["text"],
                got["title"],
                got["source"],
                got["url"],
                line,
                link_note=got["link_note"],
            )
        except BadInput as bad:
            problems.append(Problem(label, bad.reason, bad.line or line))
            continue
        if article.id in seen:
            problems.append(
                Problem(
                    label,
                    f"duplicate id {article.id!r} (first on line "
                    f"{seen[article.id]}): give this row another id",
                    line,
                )
            )
            continue
        seen[article.id] = line
        articles.append(article)
    if not articles and not problems:
        problems.append(Problem(label, "no rows: add rows under the header, or delete the file"))
    return articles, problems


def parse_bytes(data: bytes, label: str, art_id: str) -> tuple[list[Article], list[Problem]]:
    """Parse one file's content; `label` names it in messages, `art_id` is its default id."""
    suffix = Path(label).suffix.lower()
    try:
        if suffix not in SUPPORTED:
            raise BadInput(
                f"unsupported file type {suffix or '(no extension)'!r}: articles must be "
                f"{FORMATS}; convert it or move it out of the articles folder"
            )
        if not data:
            raise BadInput("the file is empty (0 bytes): add an article or delete the file")
        text = clean_text(decode(data, label))
        if not text.strip():
            raise BadInput("the file holds only whitespace: add an article or delete the file")
        if suffix in (".csv", ".jsonl"):
            return _table(text, label, Path(label).stem, suffix)
        return _single(text, label, art_id)
    except BadInput as bad:
        return [], [Problem(label, bad.reason, bad.line)]
