"""Articles -> events: recognition, ranking and dating (pure, parallel) then resolution.

Workers only read text and the memory-mapped gazetteer, so they scale across
processes; resolution stays in the parent because the cache and the one-request-
a-second Nominatim budget belong to one process.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from geo.config import Settings
from geo.dating.event_dates import EventDate, date_mentions
from geo.gazetteer import saved as gazetteer_index
from geo.geocode.cache import GeocodeCache
from geo.geocode.nominatim import NominatimClient
from geo.geoparse import ner
from geo.geoparse.corrections import Corrections
from geo.geoparse.ner import Entity
from geo.geoparse.rank import rank
from geo.geoparse.recognise import Recogniser
from geo.geoparse.resolve import Resolver, search_context
from geo.geoparse.toponyms import Toponyms
from geo.ingest.articles import load_articles
from geo.ingest.clean import keep_copy
from geo.models import AREA_KINDS, Article, Mention, Place, Problem
from geo.table.event_rows import article_rows, mention_contexts, to_frame

log = logging.getLogger(__name__)


@dataclass
class Summary:
    articles: int = 0
    rejected: list[Problem] = field(default_factory=list)
    mentions: int = 0
    resolved: int = 0
    unresolved: Counter = field(default_factory=Counter)
    cache_hits: int = 0
    requests: int = 0
    errors: int = 0
    corrected: int = 0
    network_note: str = ""

    def add_stats(self, stats: Counter) -> None:
        """Add a Resolver's counts."""
        self.cache_hits += stats["cache_hits"]
        self.requests += stats["requests"]
        self.errors += stats["errors"]
        self.corrected += stats["corrected"]

    def lines(self) -> list[str]:
        out = [
            f"articles read: {self.articles}, rejected: {len(self.rejected)}",
            f"place mentions: {self.mentions}, resolved: {self.resolved}, "
            f"unresolved: {sum(self.unresolved.values())}, areas listed without a point: "
            f"{self.mentions - self.resolved - sum(self.unresolved.values())}, "
            f"corrected by editors: {self.corrected}",
            f"geocoding cache hits: {self.cache_hits}, network requests: {self.requests}, "
            f"errors (not cached): {self.errors}",
        ]
        if self.unresolved:
            out.append(
                "unresolved names: "
                + ", ".join(f"{n} ({k})" for n, k in self.unresolved.most_common())
            )
        out += [f"rejected {p}" for p in self.rejected]
        if self.network_note:
            out.append(self.network_note)
        return out


class Analysis(NamedTuple):
    """One analysed article, as workers hand it back for resolution."""

    mentions: list[Mention]
    dates: list[EventDate] | None  # None when the article has no publication date
    contexts: list[tuple[str, str]]  # (sentence, event type) per mention


class Analyser:
    """Recognise, rank and date one article's places; needs no network and no cache.

    By default recognition is the gazetteer and the named-entity model together
    (geo/geoparse/toponyms.py); `fast` is the gazetteer alone, ten times quicker, for very
    large batches.
    """

    def __init__(self, settings: Settings, fast: bool = False):
        gaz = gazetteer_index.load(str(settings.gazetteer_path), str(settings.index_dir))
        self.recognise = Recogniser(gaz)
        self.toponyms = None if fast else Toponyms(self.recognise)
        self.box = settings.viewbox

    def entities(self, texts: list[str]) -> list[list[Entity]] | list[None]:
        """The model's entities for a batch of texts (one model call); None each when fast."""
        return [None] * len(texts) if self.toponyms is None else ner.entities(texts)

    def __call__(
        self,
        text: str,
        published,
        ents: list[Entity] | None = None,
    ) -> tuple[list[Mention], list[EventDate] | None]:
        if self.toponyms is None:
            found = self.recognise(text)
        else:
            found = self.toponyms(text, ner.entities([text])[0] if ents is None else ents)
        mentions = rank(found, self.box)
        dates = (
            date_mentions(text, published, [(m.start, m.end) for m in mentions])
            if published
            else None
        )
        return mentions, dates

    def article(self, article: Article, ents: list[Entity] | None = None) -> Analysis:
        """All of an article's work that needs neither the cache nor the network."""
        mentions, dates = self(article.text, article.published, ents)
        return Analysis(mentions, dates, mention_contexts(article.text, mentions))


_worker: Analyser | None = None


def _init_worker(settings: Settings, fast: bool) -> None:
    global _worker
    if _worker is None:  # a forked worker already has the parent's
        _worker = Analyser(settings, fast)


def _analyse(article: Article) -> Analysis:
    assert _worker is not None  # _init_worker set it in this process
    return _worker.article(article)


# Touches what loads on first use (dateparser's language data, ~0.3 s; the word-frequency
# table) so forked workers inherit it loaded.
_WARM_UP = (
    "Fighters entered the village of Kharab on 14 December and reached Hajin, Syria, on Friday."
)


def _pool_context():
    """fork where the platform has it: a worker starts with the parent's imports and loaded
    index in milliseconds; spawn would import pandas and load the index again in each."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork") if "fork" in methods else None


def analyse_all(
    articles: list[Article], settings: Settings, workers: int = 1, fast: bool = False
) -> Iterator:
    """(mentions, dates, contexts) per article, in order; with workers > 1 in separate processes."""
    global _worker
    analyser = Analyser(settings, fast)
    if workers <= 1 or len(articles) < 20:
        for at in range(0, len(articles), ner.BATCH):  # the model runs faster on batches
            batch = articles[at : at + ner.BATCH]
            for a, ents in zip(batch, analyser.entities([a.text for a in batch]), strict=True):
                yield analyser.article(a, ents)
        return
    # Chunks big enough to keep pickling overhead low, small enough to balance the workers.
    chunk = max(1, min(32, len(articles) // (workers * 8)))
    analyser(_WARM_UP, articles[0].published)  # lazy loads happen once, here, not in every worker
    _worker = analyser
    try:
        with ProcessPoolExecutor(
            workers, mp_context=_pool_context(), initializer=_init_worker, initargs=(settings, fast)
        ) as pool:
            yield from pool.map(_analyse, articles, chunksize=chunk)
    finally:
        _worker = None


def open_resolver(
    settings: Settings, online: bool | None = None
) -> tuple[Resolver, GeocodeCache, list[Problem]]:
    """The resolver with the corrections file and the cache (seeded from the committed export)."""
    settings = settings if online is None else settings.with_(nominatim_enabled=online)
    corrections, problems = Corrections.load(settings.corrections_path)
    cache = GeocodeCache(settings.cache_path)
    if settings.cache_export_path.exists():
        problems += cache.import_jsonl(settings.cache_export_path)[1]
    client = NominatimClient(settings) if settings.nominatim_enabled else None
    return Resolver(settings, corrections, cache, client), cache, problems


def article_events(
    resolver: Resolver, article: Article, analysed: Analysis, unresolved: Counter
) -> list[dict]:
    """An analysed article's event rows: each mention resolved to a place (or dropped when an
    editor rejected it); names left without a point are counted in `unresolved`."""
    mentions, dates, contexts = analysed
    assert dates is not None  # None only without a publication date, which an Article has
    context = search_context(mentions)
    places: list[Place | None] = [resolver.resolve(article.id, m, context) for m in mentions]
    for m, p in zip(mentions, places, strict=True):
        if p is not None and not p.resolved and p.kind not in AREA_KINDS and m.role == "literal":
            unresolved[m.surface] += 1
    return article_rows(article, mentions, places, dates, contexts)


def build_events(
    settings: Settings,
    *,
    workers: int = 1,
    online: bool | None = None,
    fast: bool = False,
    progress: Callable[[Iterable], Iterable] = lambda it: it,
) -> tuple[pd.DataFrame, Summary]:
    articles, problems = load_articles(settings.articles_dir)
    resolver, cache, input_problems = open_resolver(settings, online)
    summary = Summary(articles=len(articles), rejected=problems + input_problems)
    rows: list[dict] = []
    try:
        analysed = analyse_all(articles, settings, workers, fast)
        for article, result in progress(zip(articles, analysed, strict=True)):
            rows += article_events(resolver, article, result, summary.unresolved)
        summary.mentions = len(rows)
        summary.resolved = sum(1 for r in rows if r["lat"] is not None)
        summary.add_stats(resolver.stats)
        summary.network_note = resolver.network_off_reason
        export = settings.cache_export_path
        if any(p.path == str(export) for p in input_problems):
            # The rewrite below drops the lines that did not load: keep them for the operator.
            kept = keep_copy(export)
            summary.rejected.append(
                Problem(
                    str(export),
                    f"the lines above were skipped; the file as it was is kept as {kept.name}",
                )
            )
        cache.export_jsonl(export)
    finally:
        cache.close()
    return to_frame(rows), summary
