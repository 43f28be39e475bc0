"""Resolution chain: editor corrections -> gazetteer -> persistent cache -> Nominatim -> unresolved.

The gazetteer answer (campaign first, then GeoNames, already ranked in context)
is taken when it has a point or names an area. Names it cannot place go to the
cache, and to Nominatim only when it is switched on; a ban or an outage stops
the network for this run and the rest of the work goes on offline.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable

from geo.config import Settings
from geo.geocode.cache import GeocodeCache
from geo.geocode.nominatim import GeocodingBanned, GeocodingUnavailable, NominatimClient, lookup
from geo.geoparse.corrections import Correction, Corrections
from geo.geoparse.evidence import in_box
from geo.models import AREA_KINDS, Candidate, Mention, Place

log = logging.getLogger(__name__)
# What a context cue ("the village of X", "X crossing") says an unknown name is.
CUE_KINDS = {
    "village": "village",
    "hamlet": "village",
    "town": "town",
    "city": "city",
    "camp": "camp",
    "refugee camp": "camp",
    "district": "region",
    "province": "region",
    "governorate": "region",
    "area": "region",
    "neighbourhood": "village",
    "neighborhood": "village",
}  # crossings, hills, oil fields: "site"


SearchContext = tuple[tuple[str, ...], tuple[float, float, float, float] | None]
CONTEXT_PAD = 1.0  # degrees around the article's places: a town's neighbours, not its country


def search_context(mentions: list[Mention]) -> SearchContext | None:
    """Where an article's unknown names should be looked for: the countries of its resolved
    literal places (most named first, three at most) and a box around its towns; None when
    it names no place the gazetteer knows (the settings' defaults then apply)."""
    tops = [m.candidates[0] for m in mentions if m.role == "literal" and m.candidates]
    countries = Counter(c.country.lower() for c in tops if c.country)
    if not countries:
        return None
    points = [
        (c.lat, c.lon)
        for c in tops  # has_point, spelt out so that mypy narrows
        if c.lat is not None and c.lon is not None and c.kind not in AREA_KINDS
    ]
    box = None
    if points:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        box = (
            min(lats) - CONTEXT_PAD,
            min(lons) - CONTEXT_PAD,
            max(lats) + CONTEXT_PAD,
            max(lons) + CONTEXT_PAD,
        )
    return tuple(cc for cc, _ in countries.most_common(3)), box


def _place(c: Candidate, source: str, alternatives: Iterable[Candidate] = ()) -> Place:
    return Place(
        name=c.name,
        lat=c.lat,
        lon=c.lon,
        kind=c.kind,
        source=source,
        score=c.score,
        alternatives=tuple(alternatives),
    )


class Resolver:
    """Turns ranked mentions into places; counts what it did for the build summary.

    `remote` answers the names the gazetteer cannot place; by default the cache, then
    Nominatim when on. The distributed build passes answers fetched once for the corpus.
    """

    def __init__(
        self,
        settings: Settings,
        corrections: Corrections | None = None,
        cache: GeocodeCache | None = None,
        client: NominatimClient | None = None,
        remote: Callable[[str, SearchContext | None], list[Candidate]] | None = None,
    ):
        self.settings = settings
        self.remote = remote or self._remote
        self.corrections = corrections or Corrections()
        self.cache = cache
        self.client = client if settings.nominatim_enabled else None
        self._params = (client or NominatimClient(settings)).params()
        self.stats: Counter = Counter()
        self.network_off_reason = ""

    def resolve(
        self, article_id: str, mention: Mention, context: SearchContext | None = None
    ) -> Place | None:
        """The place for a mention; None when an editor says it is not a place. `context`
        (search_context of the article) narrows a Nominatim search for a name no gazetteer knows."""
        fix = self.corrections.find(article_id, mention.surface)
        if fix is not None:
            self.stats["corrected"] += 1
            if fix.action == "reject":
                return None
            corrected = _corrected(fix, mention)
            if corrected is not None:
                return corrected
        best = mention.candidates[0] if mention.candidates else None
        if best is not None and (
            best.has_point or best.kind in AREA_KINDS or mention.role != "literal"
        ):
            self.stats["gazetteer"] += 1
            return _place(best, best.source, mention.candidates[1:])
        # An associative mention is never pinned, so it is not worth a request.
        found = self.remote(mention.surface, context) if mention.role == "literal" else []
        if found:
            return _place(found[0], "nominatim", found[1:])
        self.stats["unresolved"] += 1
        return _unresolved(mention, best)

    def _remote(self, query: str, context: SearchContext | None = None) -> list[Candidate]:
        """Cache, then Nominatim (when on); candidates inside the campaign box first."""
        answer = None
        if self.client is not None and self.cache is not None and not self.network_off_reason:
            client = self.client if context is None else self.client.narrowed(*context)
            before = client.requests_made
            try:
                answer = lookup(client, self.cache, query)
            except GeocodingBanned as exc:
                self.network_off_reason = f"Nominatim refused us (403): {exc}"
                log.warning(
                    "%s; continuing offline for the rest of this run", self.network_off_reason
                )
            except GeocodingUnavailable as exc:
                self.stats["errors"] += 1
                log.warning(
                    "Nominatim unavailable for %r (%s); not cached, a later run retries", query, exc
                )
            made = client.requests_made - before
            self.stats["requests"] += made
            self.stats["cache_hits"] += answer is not None and not made
        elif self.cache is not None:
            params = (
                self._params
                if context is None
                else NominatimClient(
                    self.settings.with_(country_codes=context[0], viewbox=context[1])
                ).params()
            )
            entry = self.cache.get(query, params)
            if entry is not None:
                self.stats["cache_hits"] += 1
                answer = list(entry.candidates)
        if not answer:
            return []
        box = self.settings.viewbox
        return sorted(answer, key=lambda c: not in_box(c, box)) if box else answer


def _corrected(fix: Correction, mention: Mention) -> Place | None:
    """The place an editor's correction gives the mention: their point, or the candidate
    they picked; None when the picked candidate is no longer among the mention's."""
    if fix.action == "coords":
        return Place(
            name=fix.name or mention.surface,
            lat=fix.lat,
            lon=fix.lon,
            kind=fix.kind or "town",
            source="correction",
            score=1.0,
            alternatives=mention.candidates,
        )
    picked = [
        c
        for c in mention.candidates
        if (fix.ref and c.ref == fix.ref) or (not fix.ref and c.name == fix.name)
    ]
    return _place(picked[0], "correction", mention.candidates) if picked else None


def _unresolved(mention: Mention, best: Candidate | None) -> Place:
    """A place without a point, of the kind its best candidate or its context cue says."""
    kind = best.kind if best else CUE_KINDS.get(mention.cue.removeprefix("context:"), "site")
    return Place(
        name=best.name if best else mention.surface,
        lat=None,
        lon=None,
        kind=kind,
        source="unresolved",
        alternatives=mention.candidates,
    )
