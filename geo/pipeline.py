"""Articles -> events: recognition, ranking and dating (pure, parallel) then resolution.

Workers only read text and the memory-mapped gazetteer, so they scale across
processes; resolution stays in the parent because the cache and the one-request-
a-second Nominatim budget belong to one process.
"""
from __future__ import annotations

import logging
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import pandas as pd

from . import gazetteer as gazetteer_mod
from .articles import load_articles
from .cache import GeocodeCache
from .config import Settings
from .corrections import Corrections
from .dates import EventDate, date_mentions
from .events import article_rows, to_frame
from .geocoding import Resolver
from .models import Article, Mention, Place, Problem
from .nominatim import NominatimClient
from .places import Recogniser
from .ranking import rank

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

    def lines(self) -> list[str]:
        out = [f"articles read: {self.articles}, rejected: {len(self.rejected)}",
               f"place mentions: {self.mentions}, resolved: {self.resolved}, "
               f"unresolved: {sum(self.unresolved.values())}, corrected by editors: {self.corrected}",
               f"geocoding cache hits: {self.cache_hits}, network requests: {self.requests}, "
               f"errors (not cached): {self.errors}"]
        if self.unresolved:
            out.append("unresolved names: " + ", ".join(f"{n} ({k})" for n, k in self.unresolved.most_common()))
        out += [f"rejected {p}" for p in self.rejected]
        if self.network_note:
            out.append(self.network_note)
        return out


class Analyser:
    """Recognise, rank and date one article's places; needs no network and no cache."""

    def __init__(self, settings: Settings):
        gaz = gazetteer_mod.default(str(settings.gazetteer_path), str(settings.index_dir))
        self.recognise = Recogniser(gaz)
        self.box = settings.viewbox

    def __call__(self, text: str, published) -> tuple[list[Mention], list[EventDate] | None]:
        mentions = rank(self.recognise(text), self.box)
        dates = date_mentions(text, published, [(m.start, m.end) for m in mentions]) if published else None
        return mentions, dates


_worker: Analyser | None = None


def _init_worker(settings: Settings) -> None:
    global _worker
    _worker = Analyser(settings)


def _analyse(article: Article):
    return _worker(article.text, article.published)


def analyse_all(articles: list[Article], settings: Settings, workers: int = 1) -> Iterator:
    """(mentions, dates) per article, in order; with workers > 1 in separate processes."""
    if workers <= 1 or len(articles) < 20:
        analyser = Analyser(settings)
        for a in articles:
            yield analyser(a.text, a.published)
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        yield from pool.map(_analyse, articles, chunksize=16)


def open_resolver(settings: Settings, online: bool | None = None) -> tuple[Resolver, GeocodeCache, list[Problem]]:
    """The resolver with the corrections file and the cache (seeded from the committed export)."""
    settings = settings if online is None else settings.with_(nominatim_enabled=online)
    corrections, problems = Corrections.load(settings.corrections_path)
    cache = GeocodeCache(settings.cache_path)
    if settings.cache_export_path.exists():
        cache.import_jsonl(settings.cache_export_path)
    client = NominatimClient(settings) if settings.nominatim_enabled else None
    return Resolver(settings, corrections, cache, client), cache, problems


def build_events(settings: Settings, *, workers: int = 1, online: bool | None = None,
                 progress: Callable[[Iterable], Iterable] = lambda it: it) -> tuple[pd.DataFrame, Summary]:
    articles, problems = load_articles(settings.articles_dir)
    resolver, cache, correction_problems = open_resolver(settings, online)
    summary = Summary(articles=len(articles), rejected=problems + correction_problems)
    rows: list[dict] = []
    try:
        analysed = analyse_all(articles, settings, workers)
        for article, (mentions, dates) in progress(zip(articles, analysed)):
            places: list[Place | None] = [resolver.resolve(article.id, m) for m in mentions]
            for m, p in zip(mentions, places):
                if p is not None and not p.resolved and p.kind not in ("country", "region", "natural feature"):
                    summary.unresolved[m.surface] += 1
            rows += article_rows(article, mentions, places, dates)
        summary.mentions = len(rows)
        summary.resolved = sum(1 for r in rows if r["lat"] is not None)
        summary.cache_hits = resolver.stats["cache_hits"]
        summary.requests = resolver.stats["requests"]
        summary.errors = resolver.stats["errors"]
        summary.corrected = resolver.stats["corrected"]
        summary.network_note = resolver.network_off_reason
        cache.export_jsonl(settings.cache_export_path)
    finally:
        cache.close()
    return to_frame(rows), summary
