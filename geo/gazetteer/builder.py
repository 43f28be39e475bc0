"""The compiled index's rows as they are added, and the finished Gazetteer: records in column
arrays, and a trie of name keys pointing at their rows (CSR in trie-id order)."""

from __future__ import annotations

from collections.abc import Iterable

import marisa_trie
import numpy as np

from geo.gazetteer.index import KIND_CODES, SOURCES, Gazetteer, Records
from geo.gazetteer.names import name_key
from geo.models import PINNED_KINDS


class Builder:
    def __init__(self) -> None:
        self.cols: dict[str, list] = {k: [] for k in Records.__dataclass_fields__}
        self.keys: dict[str, list[int]] = {}

    def add(
        self,
        names: Iterable[str],
        *,
        name: str,
        lat: float | None,
        lon: float | None,
        kind: str,
        country: str = "",
        population: int = 0,
        source: str,
        ref: str = "",
        pinned: bool | None = None,
    ) -> int:
        row = len(self.cols["name"])
        for col, value in (
            ("name", name),
            ("lat", np.nan if lat is None else lat),
            ("lon", np.nan if lon is None else lon),
            ("kind", KIND_CODES.index(kind)),
            ("country", country),
            ("population", population),
            ("source", SOURCES.index(source)),
            ("ref", ref),
            ("pinned", kind in PINNED_KINDS if pinned is None else pinned),
        ):
            self.cols[col].append(value)
        for n in names:
            key = name_key(n)
            if len(key) >= 2 and (not self.keys.get(key) or self.keys[key][-1] != row):
                self.keys.setdefault(key, []).append(row)
        return row

    def finish(self, common: frozenset[str]) -> Gazetteer:
        c = self.cols
        records = Records(
            name=c["name"],
            lat=np.array(c["lat"], dtype=np.float64),
            lon=np.array(c["lon"], dtype=np.float64),
            kind=np.array(c["kind"], dtype=np.uint8),
            country=c["country"],
            population=np.array(c["population"], dtype=np.int64),
            source=np.array(c["source"], dtype=np.uint8),
            ref=c["ref"],
            pinned=np.array(c["pinned"], dtype=bool),
        )
        trie = marisa_trie.Trie(self.keys.keys())
        ordered = sorted(self.keys.items(), key=lambda kv: trie[kv[0]])  # CSR in trie-id order
        offsets, rows = [0], []
        for _, key_rows in ordered:
            rows.extend(key_rows)
            offsets.append(len(rows))
        return Gazetteer(
            trie, records, np.array(offsets, dtype=np.int64), np.array(rows, dtype=np.int32), common
        )
