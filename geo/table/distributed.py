"""The build on a Dask cluster: the same per-article code as geo.table.pipeline, over partitions
(geo.table.partitions: what each one holds and how it is read). `_build` runs the steps:

1. Workers analyse partitions (recognise, rank, date); each worker process loads the
   gazetteer index once (`analyser_for`, warmed by a worker plugin at start-up).
2. Workers report the names the gazetteer cannot place; the client asks each distinct
   name once, through the cache and the Nominatim budget, so one request a second
   holds for the whole cluster however many workers there are.
3. Workers resolve their partitions with those answers and return event rows (or
   write them to a Parquet dataset, see geo.table.columnar).

Partitions are recomputable from the task graph (articles travel in the tasks, files
are read by URL), so a lost worker costs only its tasks: Dask runs them again and the
events are the same.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd
from dask.sizeof import sizeof
from distributed import Client, LocalCluster, WorkerPlugin, as_completed

from geo.config import Settings
from geo.geoparse.corrections import Corrections
from geo.geoparse.resolve import Resolver, SearchContext, search_context
from geo.models import Article, Candidate, Problem
from geo.table import columnar
from geo.table.event_rows import to_frame
from geo.table.partitions import Source, read_source, sources_for
from geo.table.pipeline import Analyser, Analysis, Summary, article_events, open_resolver

log = logging.getLogger(__name__)


@dataclass
class Analysed:
    items: list[tuple[Article, Analysis]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@sizeof.register(Analysed)
def _analysed_size(part: Analysed) -> int:
    """Dask's default guess for an object is its shell (~50 bytes), so the scheduler would
    move analysed partitions between workers as if free; mentions and candidates weigh
    several times the text."""
    return 64 + sum(8 * len(article.text) for article, _ in part.items)


_analysers: dict[tuple, Analyser] = {}


def analyser_for(settings: Settings, fast: bool = False) -> Analyser:
    """One Analyser per worker process, gazetteer and speed, not one per task."""
    key = (str(settings.gazetteer_path), str(settings.index_dir), settings.viewbox, fast)
    if key not in _analysers:
        _analysers[key] = Analyser(settings, fast)
    return _analysers[key]


class LoadIndex(WorkerPlugin):
    """Loads the index when a worker starts (or restarts), before its first task."""

    name = "geo-load-index"  # a fixed name: a second build replaces it instead of adding one

    def __init__(self, settings: Settings, fast: bool = False):
        self.settings, self.fast = settings, fast

    def setup(self, worker: object) -> None:
        analyser_for(self.settings, self.fast)


def analyse(source: Source, settings: Settings, fast: bool = False) -> Analysed:
    articles, problems = read_source(source)
    analyser = analyser_for(settings, fast)
    return Analysed([(a, analyser.article(a)) for a in articles], problems)


Remote = Callable[[str, SearchContext | None], list[Candidate]]  # Resolver's `remote`
Asked = set[tuple[str, SearchContext | None]]  # a name with the article's search context


def _offline_resolver(settings: Settings, corrections: Corrections, remote: Remote) -> Resolver:
    return Resolver(settings.with_(nominatim_enabled=False), corrections, None, None, remote=remote)


def names_to_ask(
    part: Analysed,
    settings: Settings,
    corrections: Corrections,
) -> tuple[list[tuple[str, str]], list[Problem], Asked]:
    """(article ids and files, problems, the names resolution would ask the cache/Nominatim for)."""
    asked: Asked = set()

    def remember(query: str, context: SearchContext | None) -> list[Candidate]:
        asked.add((query, context))  # as the cache/Nominatim lookup would be asked; no answer yet
        return []

    resolver = _offline_resolver(settings, corrections, remember)
    for article, (mentions, _, _) in part.items:
        context = search_context(mentions)
        for mention in mentions:
            resolver.resolve(article.id, mention, context)
    return [(a.id, a.path) for a, _ in part.items], part.problems, asked


def partition_events(
    part: Analysed,
    number: int,
    skip: frozenset,
    settings: Settings,
    corrections: Corrections,
    answers: dict,
    parquet: str | None,
) -> tuple[list[dict] | pd.DataFrame, Counter, Counter]:
    """Event rows of one partition (or, with `parquet`, its files and daily counts)."""
    resolver = _offline_resolver(settings, corrections, lambda *key: answers.get(key, []))
    unresolved: Counter = Counter()
    rows: list[dict] = []
    for article, result in part.items:
        if article.id not in skip:
            rows += article_events(resolver, article, result, unresolved)
    counts = Counter(mentions=len(rows), resolved=sum(r["lat"] is not None for r in rows))
    if parquet is None:
        return rows, resolver.stats + counts, unresolved
    table = to_frame(rows)
    columnar.write_partition(table, parquet, number)
    return columnar.daily_counts(table), resolver.stats + counts, unresolved


def _duplicates(found: list) -> tuple[list[frozenset], list[Problem]]:
    """The first partition (in input order) that has an id keeps it; later ones skip it."""
    owner: dict[str, str] = {}
    skips, problems = [], []
    for ids in found:
        skip = set()
        for art_id, path in ids:
            if owner.setdefault(art_id, path) != path:
                skip.add(art_id)
                problems.append(
                    Problem(
                        path,
                        f"duplicate id {art_id!r}: {owner[art_id]} already has "
                        "it, so this one was skipped; give one of them another id",
                    )
                )
        skips.append(frozenset(skip))
    return skips, problems


def _identity(value: object) -> object:
    return value


def build_events(
    settings: Settings,
    *,
    scheduler: str | None = None,
    input_path: str | None = None,
    parquet: str | None = None,
    workers: int = 2,
    online: bool | None = None,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
    client: Client | None = None,
    fast: bool = False,
) -> tuple[pd.DataFrame | None, Summary]:
    """The events of geo.table.pipeline.build_events, computed on a Dask cluster: the one at
    `scheduler`, the given `client`'s, or a local one of `workers` processes. With `parquet`
    (a folder or URL) the rows go to a Parquet dataset there and the table returned is None."""
    if client is not None:
        return _build(client, settings, input_path, parquet, online, progress, fast)
    if scheduler:
        with Client(scheduler) as own:
            return _build(own, settings, input_path, parquet, online, progress, fast)
    with (
        LocalCluster(
            n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as own,
    ):
        return _build(own, settings, input_path, parquet, online, progress, fast)


def _collect(
    asking: list,
    summary: Summary,
    progress: Callable[[Iterable], Iterable],
) -> tuple[list[frozenset], Asked]:
    """Step 2's input: the partitions' ids (duplicates to skip) and the names to ask."""
    index = {f.key: i for i, f in enumerate(asking)}
    found: list[list[tuple[str, str]]] = [[] for _ in asking]  # each filled below
    names: Asked = set()
    for future in progress(as_completed(asking)):
        ids, part_problems, asked = future.result()
        found[index[future.key]] = ids
        summary.rejected += part_problems
        names |= asked
    skips, duplicate_problems = _duplicates(found)
    summary.rejected += duplicate_problems
    summary.articles = sum(len(ids) for ids in found) - len(duplicate_problems)
    return skips, names


def _build(
    client: Client,
    settings: Settings,
    input_path: str | None,
    parquet: str | None,
    online: bool | None,
    progress: Callable[[Iterable], Iterable],
    fast: bool,
) -> tuple[pd.DataFrame | None, Summary]:
    client.register_plugin(LoadIndex(settings, fast))
    sources, problems = sources_for(settings, input_path)
    resolver, cache, correction_problems = open_resolver(settings, online)
    summary = Summary(rejected=problems + correction_problems)
    try:
        analysed = client.map(analyse, sources, settings=settings, fast=fast, pure=False)
        skips, answers = _answers(client, analysed, resolver, summary, settings, progress)
        cache.export_jsonl(settings.cache_export_path)
    finally:
        cache.close()
    # In the graph, not scattered: a lost worker's copy is rebuilt from the task.
    shared = client.submit(_identity, answers, pure=False)
    done = client.map(
        partition_events,
        analysed,
        range(len(analysed)),
        skips,
        settings=settings,
        corrections=resolver.corrections,
        answers=shared,
        parquet=parquet,
        pure=False,
    )
    return _gather(client, done, parquet, summary)


def _answers(
    client: Client,
    analysed: list,
    resolver: Resolver,
    summary: Summary,
    settings: Settings,
    progress: Callable[[Iterable], Iterable],
) -> tuple[list[frozenset], dict]:
    """Step 2: each name the partitions would ask, asked once through the cache and Nominatim;
    and the ids each partition skips as duplicates."""
    skips, names = _collect(
        client.map(
            names_to_ask, analysed, settings=settings, corrections=resolver.corrections, pure=False
        ),
        summary,
        progress,
    )
    answers = {key: resolver.remote(*key) for key in sorted(names, key=repr)}
    summary.add_stats(resolver.stats)
    summary.network_note = resolver.network_off_reason
    return skips, answers


def _gather(
    client: Client, done: list, parquet: str | None, summary: Summary
) -> tuple[pd.DataFrame | None, Summary]:
    """Step 3's results: the events table, or with `parquet` the daily tables written."""
    rows: list[list[dict]] = []
    daily: list[pd.DataFrame] = []
    for part_rows, stats, unresolved in client.gather(done):
        (daily if parquet else rows).append(part_rows)
        summary.add_stats(stats)
        summary.mentions += stats["mentions"]
        summary.resolved += stats["resolved"]
        summary.unresolved += unresolved
    if parquet:
        columnar.write_daily(daily, parquet)
        return None, summary
    return to_frame([r for part in rows for r in part]), summary
