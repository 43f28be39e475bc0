"""Article files and folders -> Articles, with a Problem for every file that can't be read.

Size and file-type checks happen before a file is read; a folder load reports duplicate ids.
The formats themselves are read in geo.ingest.formats.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from geo.config import MAX_UPLOAD_ARTICLES
from geo.ingest.formats import MAX_FILE_BYTES, SUPPORTED, parse_bytes
from geo.models import Article, Problem

# Saved file names stay far below the 255-byte limit of most file systems, also in Arabic
# (2 bytes a letter), with room for "-9999.md" and the temporary file's affixes.
MAX_NAME_BYTES = 100


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
    name = shorten(path.stem, MAX_NAME_BYTES) + path.suffix[:10] if path.name else "upload.txt"
    if len(data) > max_bytes:
        return [], [Problem(name, _too_big(len(data), max_bytes))]
    articles, problems = parse_bytes(data, name, "upload/" + Path(name).stem)
    if len(articles) > max_articles:
        return [], [Problem(name, f"the file holds {len(articles):,} articles, over the limit of "
                            f"{max_articles} per upload: split it into smaller files")]
    return articles, problems


def shorten(text: str, limit: int) -> str:
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
