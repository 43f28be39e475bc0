"""Countries (countryinfo), their aliases and demonyms, and the UK's nations, added to the
index being compiled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geo.gazetteer.builder import Builder
from geo.gazetteer.name_filters import latin
from geo.gazetteer.names import COUNTRY_ALIASES, COUNTRY_POINTS, EXTRA_DEMONYMS, UK_NATIONS


def add_countries(b: Builder) -> dict[str, str]:
    """Adds the countries, then their aliases, the UK's nations and the demonyms, in that
    order; returns demonym -> ISO code ("" for a demonym of no one country)."""
    from countryinfo import all_countries

    demonyms: dict[str, str] = {}
    by_name = {}
    for country in all_countries():
        info = country.info()
        if not info.get("latlng") or not info.get("ISO"):
            continue
        iso = info["ISO"].get("alpha2", "")
        names = [info["name"]] + [
            a for a in info.get("altSpellings", ()) if len(a) > 3 and latin(a)
        ]
        names += [n.replace(" of the ", " of ") for n in names if " of the " in n]
        _add_country(b, names, info, iso)
        by_name[info["name"]] = (info, iso)
        if info.get("demonym"):
            demonyms[info["demonym"]] = iso
    for alias, target in COUNTRY_ALIASES.items():
        if target in by_name:
            _add_country(b, [alias], *by_name[target])
    _add_uk_nations(b)
    _add_demonyms(b, demonyms)
    return demonyms


def _add_country(b: Builder, names: list[str], info: Mapping[str, Any], iso: str) -> None:
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


def _country_point(info: Mapping[str, Any], iso: str) -> tuple[float, float]:
    """GeoNames' point where countryinfo's lies far from it (COUNTRY_POINTS), else countryinfo's."""
    lat, lon = COUNTRY_POINTS.get(iso) or info["latlng"][:2]
    return float(lat), float(lon)


def _add_uk_nations(b: Builder) -> None:
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


def _add_demonyms(b: Builder, demonyms: dict[str, str]) -> None:
    """Plurals ("Syrians", "Iraqis") and EXTRA_DEMONYMS join `demonyms` (in place)."""
    for demonym, iso in list(demonyms.items()):
        demonyms.setdefault(demonym + "s", iso)
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
