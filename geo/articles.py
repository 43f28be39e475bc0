"""Read article files (seed .txt, front-matter .md/.txt, .csv, .jsonl) into Articles.

Nothing here raises on bad input: every bad file or row becomes a Problem that
names the file (and line) and says how to fix it, and the other files still load.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from pathlib import Path

from geo.config import MAX_UPLOAD_ARTICLES
from geo.files import atomic_write
from geo.models import Article, Problem
from geo.textin import FORMATS, ISO_DATE, BadInput, clean_text, decode, make_title, parse_date

SUPPORTED = (".txt", ".md", ".csv", ".jsonl")
MAX_FILE_BYTES = 20_000_000
MAX_TEXT_CHARS = 200_000
# Saved file names stay far below the 255-byte limit of most file systems, also in Arabic
# (2 bytes a letter), with room for "-9999.md" and the temporary file's affixes.
MAX_NAME_BYTES = 100
# link_note: when the linked page is not the report as it stood on the article's date
# ("page published 2019-03-19, after this brief's date"); shown wherever the link is.
FRONT_KEYS = ("id", "title", "date", "source", "url", "link_note", "note", "added_by")
ROW_KEYS = ("id", "title", "date", "text", "source", "url", "link_note")
_SEED = re.compile(r"\s*date[ \t]+(\S+)[ \t]*")
_SOURCE_LINE = re.compile(r"[-\u2013\u2014][ \t]+(\S.{0,99})")


def _article(label: str, art_id: str, date: str, text: str, title: str = "",
             source: str = "", url: str = "", line: int | None = None,
             date_line: int | None = None, link_note: str = "") -> Article:
    text = clean_text(text).strip()
    if not text:
        raise BadInput("the article has no text: add the article body", line)
    if len(text) > MAX_TEXT_CHARS:
        raise BadInput(f"the text is {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit: "
                       "split or trim the article", line)
    try:
        published = parse_date(clean_text(date))
    except BadInput as bad:
        raise BadInput(bad.reason, date_line or line) from None
    title = " ".join(clean_text(title).split()) or make_title(text)
    return Article(id=clean_text(art_id).strip(), title=title, published=published, text=text,
                   source=" ".join(clean_text(source).split()), url=clean_text(url).strip(),
                   link_note=" ".join(clean_text(link_note).split()), path=label)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _front_matter(text: str, label: str, art_id: str) -> tuple[Article, list[Problem]]:
    lines = text.split("\n")
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise BadInput("the front matter opened with '---' is never closed: add a '---' line "
                       "after the last 'key: value' line", 1) from None
    fields: dict[str, str] = {}
    lines_of: dict[str, int] = {}
    warnings: list[Problem] = []
    for number, raw in enumerate(lines[1:close], start=2):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, colon, value = raw.partition(":")
        key = key.strip().lower()
        if not colon or not key:
            warnings.append(Problem(label, f"ignored {raw.strip()[:60]!r}: front-matter lines "
                                    "must be 'key: value'", number))
        elif key not in FRONT_KEYS:
            warnings.append(Problem(label, f"unknown front-matter key {key!r} ignored: use "
                                    f"one of {', '.join(FRONT_KEYS)} (the article still loaded)", number))
        else:
            fields[key], lines_of[key] = _unquote(value), number
    if "date" not in fields:
        raise BadInput("the front matter has no 'date:' line: add e.g. 'date: 2019-03-03'", 1)
    body = "\n".join(lines[close + 1:])
    article = _article(label, fields.get("id", "").strip() or art_id, fields["date"], body,
                       fields.get("title", ""), fields.get("source", ""), fields.get("url", ""),
                       date_line=lines_of["date"], link_note=fields.get("link_note", ""))
    return article, warnings


def _seed(text: str, label: str, art_id: str) -> Article:
    match = _SEED.match(text)
    if not match or not ISO_DATE.fullmatch(match.group(1)) or len(match.group(1)) != 10:
        found = match.group(1) if match else ""
        raise BadInput(f"the seed format needs an ISO date after 'date' (found {found!r}): "
                       "start the file with ' date 2019-03-03 ' then the text", 1)
    body = text[match.end():].rstrip()
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
    raise BadInput("no date: start the file with ' date 2019-03-03 ' before the text, or with a "
                   "front-matter block ('---', 'date: 2019-03-03', '---')", 1)


def _csv_rows(text: str):
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)  # long texts get a clear message below instead
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    missing = [c for c in ("date", "text") if c not in header]
    if missing:
        raise BadInput(f"the CSV header has no {' or '.join(missing)} column (found: "
                       f"{','.join(header)}): the header must name date and text "
                       f"(and optionally {', '.join(k for k in ROW_KEYS if k not in ('date', 'text'))})", 1)
    start = reader.line_num + 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) != len(header):
                    yield start, BadInput(f"the row has {len(cells)} fields but the header has "
                                          f"{len(header)}: put quotes around fields with commas", start)
                else:
                    yield start, dict(zip(header, cells, strict=True))
            start = reader.line_num + 1
    except csv.Error as e:
        yield start, BadInput(f"CSV syntax error ({e}): check the quotes; rows from here on were skipped", start)


def _jsonl_rows(text: str):
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            yield number, BadInput(f"not valid JSON ({e.msg} at column {e.colno}): each line must "
                                   "be one JSON object like {\"date\": \"2019-03-03\", \"text\": \"...\"}", number)
            continue
        yield number, _typed(obj, number) if isinstance(obj, dict) else BadInput(
            "the line is JSON but not an object: write {\"date\": ..., \"text\": ...}", number)


def _typed(row: dict, number: int) -> dict | BadInput:
    """A JSON row whose fields are text (an id may be a number); a list or an object is refused
    rather than turned into text like "['a', 'b']"."""
    for key in ROW_KEYS:
        value = row.get(key)
        if value is not None and not isinstance(value, str) \
                and not (key == "id" and isinstance(value, int) and not isinstance(value, bool)):
            kind = {list: "a list", dict: "an object", bool: "true or false"}.get(type(value), "a number")
            return BadInput(f'"{key}" is {kind}, not a string: write it as one JSON string, '
                            f'e.g. "{key}": "..."', number)
    return row


def _table(text: str, label: str, stem: str, suffix: str) -> tuple[list[Article], list[Problem]]:
    return parse_rows(_csv_rows(text) if suffix == ".csv" else _jsonl_rows(text), label, stem)


def parse_rows(rows, label: str, stem: str) -> tuple[list[Article], list[Problem]]:
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
            article = _article(label, got["id"].strip() or f"{stem}:{line}", got["date"],
                               got["text"], got["title"], got["source"], got["url"], line,
                               link_note=got["link_note"])
        except BadInput as bad:
            problems.append(Problem(label, bad.reason, bad.line or line))
            continue
        if article.id in seen:
            problems.append(Problem(label, f"duplicate id {article.id!r} (first on line "
                                    f"{seen[article.id]}): give this row another id", line))
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
            raise BadInput(f"unsupported file type {suffix or '(no extension)'!r}: articles must be "
                           f"{FORMATS}; convert it or move it out of the articles folder")
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


def _too_big(size: int, limit: int) -> str:
    return (f"the file is {size / 1e6:.1f} MB, over the {limit / 1e6:g} MB limit: "
            "split it into smaller files")


def _special(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return f"this is {kind}"
    return "this is a special file"


def parse_file(path: Path, root: Path | None = None, *,
               max_bytes: int = MAX_FILE_BYTES) -> tuple[list[Article], list[Problem]]:
    """Parse one file; ids are relative to `root` (default: the file's folder)."""
    path = Path(path)
    label = str(path)
    art_id = path.relative_to(root).with_suffix("").as_posix() if root else path.stem
    if path.suffix.lower() not in SUPPORTED:
        return parse_bytes(b"", label, art_id)  # reports the type without reading the file
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the build forever on open
            return [], [Problem(label, f"{_special(info.st_mode)}, not a regular file: skipped "
                                "without reading it; move it out of the articles folder")]
        size = info.st_size
        if size > max_bytes:  # checked before reading: never pull a huge file into memory
            return [], [Problem(label, _too_big(size, max_bytes))]
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as e:
        return [], [Problem(label, f"cannot read the file ({e.strerror}): check it exists and is readable")]
    if len(data) > max_bytes:
        return [], [Problem(label, _too_big(len(data), max_bytes))]
    return parse_bytes(data, label, art_id)


def parse_upload(filename: str, data: bytes, max_bytes: int, *,
                 max_articles: int = MAX_UPLOAD_ARTICLES) -> tuple[list[Article], list[Problem]]:
    """Parse pasted or uploaded content; only the file's base name is used, shortened to
    MAX_NAME_BYTES. More than `max_articles` articles in one upload are all refused."""
    path = Path(filename.replace("\\", "/"))
    name = _shorten(path.stem, MAX_NAME_BYTES) + path.suffix[:10] if path.name else "upload.txt"
    if len(data) > max_bytes:
        return [], [Problem(name, _too_big(len(data), max_bytes))]
    articles, problems = parse_bytes(data, name, "upload/" + Path(name).stem)
    if len(articles) > max_articles:
        return [], [Problem(name, f"the file holds {len(articles):,} articles, over the limit of "
                            f"{max_articles} per upload: split it into smaller files")]
    return articles, problems


def _shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, never inside a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def load_articles(folder: Path, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[Article], list[Problem]]:
    """Every article under `folder`, sorted by (published, id), and every problem found."""
    folder = Path(folder)
    if not folder.is_dir():
        return [], [Problem(str(folder), "the articles folder does not exist: create it or set GEO_DATA_DIR")]
    paths: list[Path] = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # .git, checkpoints, caches
        paths.extend(Path(here) / f for f in files
                     if not f.startswith(".") and f.lower() != "readme.md")
    paths.sort(key=lambda p: p.relative_to(folder).as_posix())
    articles: list[Article] = []
    problems: list[Problem] = []
    owner: dict[str, Article] = {}
    for path in paths:
        found, trouble = parse_file(path, folder, max_bytes=max_bytes)
        problems.extend(trouble)
        for article in found:
            first = owner.setdefault(article.id, article)
            if first is not article:
                problems.append(Problem(article.path, f"duplicate id {article.id!r}: {first.path} "
                                        "already has it, so this one was skipped; give one of them "
                                        "another id ('id:' in front matter or the id column)"))
                continue
            articles.append(article)
    articles.sort(key=lambda a: (a.published, a.id))
    return articles, problems


def article_ids(root: Path) -> set[str]:
    """Every id in use under `root`: the file-derived id of every file (also one that does
    not load today) and every id an article declares."""
    root = Path(root)
    ids = {p.relative_to(root).with_suffix("").as_posix() for p in root.rglob("*") if not p.is_dir()}
    return ids | {a.id for a in load_articles(root)[0]}


def save_article(article: Article, folder: Path, *, editor: str, root: Path | None = None) -> Path:
    """Write `article` as a front-matter .md in `folder` and return its path.

    Its id on reload is its path under `root` (the articles folder; default `folder`) without
    the suffix. That id never equals one in use anywhere under `root` and no file is ever
    replaced: a taken name gets -2, -3 ... The name comes from the article's id, cut to
    MAX_NAME_BYTES. `editor` (who added it) is recorded as `added_by`.
    """
    folder = Path(folder)
    root = Path(root) if root is not None else folder
    folder.mkdir(parents=True, exist_ok=True)
    slug = _shorten(re.sub(r"[^\w\-]+", "-", article.id), MAX_NAME_BYTES).strip("-_.") \
        or article.published.isoformat()
    if slug.lower() == "readme":
        slug += "-article"  # the loader skips README.md
    content = _front_matter_text(article, editor)
    taken = article_ids(root)
    for n in range(1, 10_000):
        target = folder / (f"{slug}.md" if n == 1 else f"{slug}-{n}.md")
        if target.relative_to(root).with_suffix("").as_posix() in taken:
            continue
        try:
            open(target, "x").close()  # reserve the name so a racing writer cannot take it
        except FileExistsError:
            continue
        _write_reserved(target, content, slug)
        return target
    raise FileExistsError(f"{folder}/{slug}.md and 9,999 numbered copies exist: clean up the folder")


def _front_matter_text(article: Article, editor: str) -> str:
    lines = ["---", f"date: {article.published.isoformat()}"]
    values = [(key, getattr(article, key)) for key in ("title", "source", "url", "link_note")]
    for key, value in values + [("added_by", editor[:200])]:
        value = " ".join(str(value).split())
        if value:
            lines.append(f'{key}: "{value}"')  # quoted so the loader's unquoting round-trips
    return "\n".join(lines + ["---", article.text.strip(), ""])


def _write_reserved(target: Path, content: str, slug: str) -> None:
    """Fill the reserved (empty) `target` atomically; on failure remove it, leave nothing."""
    try:
        atomic_write(target, content)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
