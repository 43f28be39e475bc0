"""A Dask build's input as partitions: articles the client read from a local folder, in
chunks, or one .jsonl / .parquet file per partition, read by a worker from its URL."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import fsspec
import pyarrow.parquet as pq

from geo.config import Settings
from geo.ingest.articles import load_articles
from geo.ingest.formats import MAX_FILE_BYTES, parse_bytes, parse_rows
from geo.models import Article, Problem

PARTITION_ARTICLES = 100  # ~0.4 s of analysis: big enough to amortise a task, small to balance
FILE_SUFFIXES = (".jsonl", ".parquet")


@dataclass(frozen=True)
class Source:
    """One partition's input: articles already read by the client, or one file's URL."""

    articles: tuple[Article, ...] = ()
    url: str = ""


def read_source(source: Source) -> tuple[list[Article], list[Problem]]:
    """A partition's articles; bad files and rows become Problems naming the URL and line."""
    if not source.url:
        return list(source.articles), []
    label, stem = source.url, PurePosixPath(source.url).stem
    try:
        with fsspec.open(source.url, "rb") as fh:
            if source.url.lower().endswith(".parquet"):
                rows = pq.read_table(fh).to_pylist()
                return parse_rows(enumerate(rows, start=1), label, stem)
            data = fh.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        return [], [Problem(label, f"cannot read the file ({exc}): check the URL and its format")]
    if len(data) > MAX_FILE_BYTES:
        return [], [
            Problem(
                label, f"the file is over {MAX_FILE_BYTES / 1e6:g} MB: split it into smaller files"
            )
        ]
    return parse_bytes(data, label, stem)


def sources_for(settings: Settings, input_path: str | None) -> tuple[list[Source], list[Problem]]:
    """Partitions: a local folder is read by the client (every format, the usual checks);
    anything else is a file, glob or fsspec URL of .jsonl / .parquet files, one a partition."""
    where = input_path or str(settings.articles_dir)
    if "://" not in where and Path(where).is_dir():
        articles, problems = load_articles(Path(where))
        chunks = [
            articles[i : i + PARTITION_ARTICLES]
            for i in range(0, len(articles), PARTITION_ARTICLES)
        ]
        return [Source(articles=tuple(c)) for c in chunks], problems
    files = fsspec.open_files(where)
    urls = sorted(f.full_name.removeprefix("file://") for f in files)  # local files as plain paths
    wanted = [u for u in urls if u.lower().endswith(FILE_SUFFIXES)]
    problems = [
        Problem(u, f"not read: the distributed build reads {' and '.join(FILE_SUFFIXES)} files")
        for u in urls
        if u not in wanted
    ]
    if not urls:
        problems.append(Problem(where, "no files match: give a folder, a file, a glob or a URL"))
    return [Source(url=u) for u in wanted], problems
